"""ASP and ANS endpoints: decisions on dossiers, pilots, payment batches, recoveries, referencing."""

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sons.dossiers import actions
from sons.dossiers.deadlines import deadlines_of
from sons.dossiers.models import Dossier, Pilot
from sons.dossiers.pilots import decide_pilot, submit_pilot
from sons.dossiers.referencing import grant, refuse
from sons.dossiers.scoping import dossiers_for
from sons.payments import actions as payments
from sons.payments import sepa
from sons.payments.models import PaymentBatch
from sons.recoveries import actions as recoveries
from sons.recoveries.models import RecoveryCase
from sons.recoveries.withdrawal import WithdrawalImpact, withdraw, withdrawal_impact
from sons.registry.models import ObsoleteVersion, SolutionVersion
from sons.suppliers.enums import Role

from ..openapi import binary
from ..schemas import (
    BatchOut,
    DeadlineName,
    DecisionIn,
    DecisionItemOut,
    ErrorOut,
    ImpactOut,
    PilotDecisionIn,
    PilotIn,
    PilotOut,
    ReasonIn,
    RecoveryOut,
    ReferencingIn,
    RepaymentIn,
    State,
    WithdrawalIn,
)

router = Router()
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/instruction/decisions", response={200: list[DecisionItemOut], **ERRORS}, tags=["Instruction"],
             summary="Valider, rejeter ou demander un complément, pour un ou plusieurs dossiers")  # fmt: skip
def decide(request, payload: DecisionIn):
    request.principal.require(Role.ASP_INSTRUCTOR)
    if payload.decision != "validate" and not payload.message.strip():
        return Status(
            422,
            {
                "message": "Un message est obligatoire pour rejeter ou demander un complément.",
                "field": "message",
            },
        )
    found = Dossier.objects.select_related("solution_version").in_bulk(payload.dossier_ids)
    ordered = {pk: found.get(pk) for pk in payload.dossier_ids}
    return Status(200, actions.decide_many(request.principal, ordered, payload.decision, payload.message))


class DeadlineItemOut(Schema):
    id: int = Field(description="dossier")
    state: State
    name: DeadlineName
    date: date


@router.get("/deadlines", response={200: list[DeadlineItemOut], **ERRORS}, tags=["Dossiers"],
            summary="Prochaine échéance de chacun de ses dossiers, par date ; `limit` : nombre d'échéances rendues")  # fmt: skip
def deadlines(request, limit: int = 500):
    limit = max(1, min(limit, 5000))
    rows = []
    for dossier in (
        dossiers_for(request.principal).select_related("solution_version").order_by("pk").iterator(2000)
    ):
        upcoming = deadlines_of(dossier).get("next")
        if upcoming:
            rows.append(
                {"id": dossier.pk, "state": dossier.state, "name": upcoming["name"], "date": upcoming["date"]}
            )
    rows.sort(key=lambda row: (row["date"], row["id"]))
    return Status(200, rows[:limit])


def pilot_out(pilot: Pilot) -> dict:
    return {"id": pilot.pk, "state": pilot.state, "solution_version_id": pilot.solution_version_id,
            "findings": pilot.findings}  # fmt: skip


@router.post(
    "/pilots", response={201: PilotOut, **ERRORS}, tags=["Pilote"], summary="Transmettre le périmètre pilote"
)
def submit(request, payload: PilotIn):
    get_object_or_404(SolutionVersion, pk=payload.solution_version_id)
    clients = [c.model_dump() for c in payload.clients]
    pilot = submit_pilot(
        request.principal, payload.solution_version_id, clients, payload.training_materials_sent
    )
    return Status(201, pilot_out(pilot))


@router.post("/pilots/{pilot_id}/decision", response={200: PilotOut, **ERRORS}, tags=["Pilote"],
             summary="Décision de l'ANS sur le périmètre pilote")  # fmt: skip
def pilot_decision(request, pilot_id: int, payload: PilotDecisionIn):
    request.principal.require(Role.ANS_AGENT)
    pilot = get_object_or_404(Pilot, pk=pilot_id)
    decided = decide_pilot(request.principal, pilot, payload.decision == "validate", payload.reason)
    return Status(200, pilot_out(decided))


def batch_out(batch: PaymentBatch) -> dict:
    return {
        "id": batch.pk,
        "state": batch.state,
        "total": f"{batch.total:.2f}",
        "payments": batch.payments.count(),
    }


@router.post("/payments/batches", response={201: BatchOut, 200: dict, **ERRORS}, tags=["Paiements"],
             summary="Préparer un lot des demandes validées")  # fmt: skip
def prepare(request):
    request.principal.require(Role.ASP_PAYING_AGENT)
    batch = payments.prepare_batch(request.principal)
    if batch is None:
        return Status(200, {"message": payments.nothing_to_pay()})
    return Status(201, batch_out(batch))


@router.post("/payments/batches/{batch_id}/{action}", response={200: BatchOut, **ERRORS}, tags=["Paiements"],
             summary="Transmettre (send), confirmer (confirm) ou rejeter (reject) un lot")  # fmt: skip
def move_batch(request, batch_id: int, action: str):
    request.principal.require(Role.ASP_PAYING_AGENT)
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    if action == "send":
        batch = payments.send_batch(request.principal, batch)
    elif action == "confirm":
        batch = payments.confirm_batch(request.principal, batch)
    elif action == "reject":
        batch = payments.reject_batch(request.principal, batch, "Rejet du lot")
    else:
        return Status(404, {"message": "Action inconnue : send, confirm ou reject."})
    return Status(200, batch_out(batch))


def recovery_out(case: RecoveryCase) -> dict:
    return {
        "id": case.pk, "dossier_id": case.dossier_id, "ground": case.ground, "state": case.dossier.state,
        "amount": f"{case.amount:.2f}", "opened_on": case.opened_on, "formal_notice_sent_on": case.formal_notice_sent_on,
        "repayment_ordered_on": case.repayment_ordered_on,
    }  # fmt: skip


def case_for(request, case_id: int) -> RecoveryCase:
    cases = RecoveryCase.objects.visible_to(request.principal).select_related("dossier__solution_version")
    return get_object_or_404(cases, pk=case_id)


@router.get("/recoveries", response={200: list[RecoveryOut], **ERRORS}, tags=["Recouvrements"])
def list_recoveries(request, limit: int = 500):
    cases = RecoveryCase.objects.visible_to(request.principal).select_related("dossier").order_by("pk")
    return Status(200, [recovery_out(c) for c in cases[: max(1, min(limit, 5000))]])


@router.post(
    "/recoveries/{case_id}/formal-notice", response={200: RecoveryOut, **ERRORS}, tags=["Recouvrements"]
)
def formal_notice(request, case_id: int):
    return Status(
        200, recovery_out(recoveries.send_formal_notice(request.principal, case_for(request, case_id)))
    )


@router.post(
    "/recoveries/{case_id}/observations", response={200: RecoveryOut, **ERRORS}, tags=["Recouvrements"]
)
def observations(request, case_id: int, payload: ReasonIn):
    case = case_for(request, case_id)
    return Status(200, recovery_out(recoveries.record_observations(request.principal, case, payload.reason)))


@router.post(
    "/recoveries/{case_id}/repayment-order", response={200: RecoveryOut, **ERRORS}, tags=["Recouvrements"]
)
def repayment_order(request, case_id: int):
    return Status(
        200, recovery_out(recoveries.order_repayment(request.principal, case_for(request, case_id)))
    )


@router.post(
    "/recoveries/{case_id}/repayments", response={200: RecoveryOut, **ERRORS}, tags=["Recouvrements"]
)
def repayment(request, case_id: int, payload: RepaymentIn):
    case = case_for(request, case_id)
    return Status(200, recovery_out(recoveries.record_repayment(request.principal, case, payload.amount)))


@router.post("/recoveries/{case_id}/cancel", response={200: RecoveryOut, **ERRORS}, tags=["Recouvrements"])
def cancel_recovery(request, case_id: int, payload: ReasonIn):
    return Status(
        200, recovery_out(recoveries.cancel(request.principal, case_for(request, case_id), payload.reason))
    )


@router.post("/registry/versions/{version_id}/referencing", response={200: dict, **ERRORS}, tags=["ANS"],
             summary="Accorder ou refuser le référencement")  # fmt: skip
def referencing(request, version_id: int, payload: ReferencingIn):
    version = get_object_or_404(SolutionVersion, pk=version_id)
    decide = grant if payload.decision == "grant" else refuse
    moved = decide(request.principal, version)
    return Status(
        200, {"version_id": version.pk, "decision": payload.decision, "dossiers_resolved": len(moved)}
    )


@router.get("/registry/versions/{version_id}/withdrawal-impact", response={200: ImpactOut, **ERRORS}, tags=["ANS"],
            summary="Dossiers et euros que le retrait enverrait en recouvrement")  # fmt: skip
def impact(request, version_id: int):
    request.principal.require(Role.ANS_AGENT)
    found = withdrawal_impact(get_object_or_404(SolutionVersion, pk=version_id))
    return Status(200, {"dossiers": found.dossiers, "paid": f"{found.paid:.2f}"})


@router.post("/registry/versions/{version_id}/withdrawal", response={200: dict, **ERRORS}, tags=["ANS"],
             summary="Retirer le référencement, en confirmant l'impact affiché")  # fmt: skip
def withdrawal(request, version_id: int, payload: WithdrawalIn):
    version = get_object_or_404(SolutionVersion, pk=version_id)
    cases = withdraw(request.principal, version, WithdrawalImpact(payload.dossiers, payload.paid))
    return Status(200, {"version_id": version.pk, "recovery_cases": len(cases),
                 "amount": f"{sum((c.amount for c in cases), Decimal('0.00')):.2f}"})  # fmt: skip


public = Router(tags=["Public"])


@public.get("/obsolete-versions", auth=None, summary="Liste publique des versions déclarées obsolètes")
def obsolete_versions(request):
    return [
        {"solution": o.solution.name, "publisher": o.solution.publisher.name, "version": o.version,
         "end_announced_on": o.end_announced_on}
        for o in ObsoleteVersion.objects.select_related("solution__publisher").order_by("solution__name", "rank")
    ]  # fmt: skip


# Its own router, registered before `router`: there, "/payments/batches/{batch_id}/{action}" would take
# "sepa.xml" for an action and answer 405 to a GET.
payment_files = Router(tags=["Paiements"])


@payment_files.get("/payments/batches/{batch_id}/sepa.xml", response=ERRORS,
                   summary="Fichier de virements SEPA du lot (pain.001.001.03), identique à chaque appel",
                   openapi_extra=binary("application/xml", "Fichier XML pain.001.001.03"))  # fmt: skip
def batch_sepa(request, batch_id: int):
    request.principal.require(Role.ASP_PAYING_AGENT)
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    response = HttpResponse(sepa.batch_xml(batch), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sepa.file_name(batch)}"'
    return response

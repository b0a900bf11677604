"""Recovery cases (§7): opened on a ground (Date 5 passed, incapacity declared, erroneous declaration,
referencing withdrawn), a formal notice always first, then the repayment order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from sons import clock
from sons.audit.journal import record
from sons.dossiers.enums import DossierState
from sons.dossiers.models import Dossier
from sons.dossiers.workflow import perform
from sons.errors import Conflict
from sons.rules import evaluate_recovery
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import RecoveryGround, RecoveryState
from .models import RecoveryCase, Repayment


def recovery_facts(dossier: Dossier, case: RecoveryCase | None = None, **extra) -> dict:
    facts = {
        "advance_paid": dossier.paid_advance,
        "balance_paid": dossier.paid_balance,
        "balance_filed_on": dossier.balance_filed_on,
        "end_of_service_attested_on": dossier.end_of_service_attested_on,
        "incapacity_declared_on": dossier.incapacity_declared_on,
        "erroneous_declaration_amount": None,
        "referencing_withdrawn_on": dossier.solution_version.withdrawn_on,
        "formal_notice_sent_on": case.formal_notice_sent_on if case else None,
        "remedied": False,
    }
    if case is not None and case.ground == RecoveryGround.ERRONEOUS_DECLARATION:
        facts["erroneous_declaration_amount"] = case.amount
    facts.update(extra)
    return facts


def open_case(
    dossier: Dossier,
    ground: str,
    principal: Principal,
    *,
    amount: Decimal | None = None,
    already_in_recovery: bool = False,
    today: date | None = None,
) -> RecoveryCase:
    """Open a case on `ground`; the amount is what the rules say is to be repaid (or `amount` for an
    erroneous declaration, capped by the rules at what was paid)."""
    today = today or clock.today()
    extra = {"erroneous_declaration_amount": amount} if ground == RecoveryGround.ERRONEOUS_DECLARATION else {}
    evaluation = evaluate_recovery(recovery_facts(dossier, **extra), today)
    due = evaluation.grounds.get(ground)
    if due is None:
        raise Conflict(f"Motif de recouvrement non constitué : {RecoveryGround(ground).label}.")
    with transaction.atomic():
        if not already_in_recovery:
            dossier = perform(dossier, "open_recovery", principal, RecoveryGround(ground).label)
        case = RecoveryCase.objects.create(dossier=dossier, ground=ground, amount=due, opened_on=today)
        record("recovery.opened", actor=principal.label, target=case,
               payload={"dossier": dossier.pk, "ground": ground, "amount": due})  # fmt: skip
    return case


def declare_incapacity(principal: Principal, dossier: Dossier, reason: str) -> Dossier:
    """§4.4: the supplier cannot complete the Prestation; a validated advance not yet paid is cancelled, a paid
    one goes to recovery."""

    def change(locked):
        locked.incapacity_declared_on = clock.today()
        return (
            DossierState.IN_RECOVERY if locked.state == DossierState.ADVANCE_PAID else DossierState.CANCELLED
        )

    with transaction.atomic():
        updated = perform(dossier, "declare_incapacity", principal, reason, change=change)
        if updated.state == DossierState.IN_RECOVERY:
            open_case(updated, RecoveryGround.INCAPACITY, principal, already_in_recovery=True)
    return updated


def _step(case: RecoveryCase, today: date, **extra) -> str:
    return evaluate_recovery(recovery_facts(case.dossier, case, **extra), today).step


def send_formal_notice(principal: Principal, case: RecoveryCase, on: date | None = None) -> RecoveryCase:
    principal.require(Role.ASP_INSTRUCTOR)
    on = on or clock.today()
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
        if case.state != RecoveryState.FORMAL_NOTICE:
            raise Conflict("La mise en demeure a déjà été adressée.")
        case.formal_notice_sent_on = on
        case.state = RecoveryState.AWAITING_OBSERVATIONS
        case.save()
        record("recovery.formal_notice", actor=principal.label, target=case, payload={"on": on})
    return case


def record_observations(principal: Principal, case: RecoveryCase, text: str) -> RecoveryCase:
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
        case.observations = (case.observations + "\n\n" + text).strip()
        case.save()
        record("recovery.observations", actor=principal.label, target=case, payload={"text": text})
    return case


def order_repayment(principal: Principal, case: RecoveryCase, on: date | None = None) -> RecoveryCase:
    """Only once the formal notice's delay has run out without remedy (§7)."""
    principal.require(Role.ASP_INSTRUCTOR)
    on = on or clock.today()
    with transaction.atomic():
        case = (
            RecoveryCase.objects.select_for_update()
            .select_related("dossier__solution_version")
            .get(pk=case.pk)
        )
        step = _step(case, on)
        if case.state != RecoveryState.AWAITING_OBSERVATIONS or step != "repayment_order":
            raise Conflict(
                "L'ordre de reversement suit une mise en demeure restée sans effet à l'expiration de son délai."
            )
        case.state = RecoveryState.REPAYMENT_ORDER
        case.repayment_ordered_on = on
        case.save()
        record(
            "recovery.repayment_order", actor=principal.label, target=case, payload={"amount": case.amount}
        )
    return case


def record_repayment(
    principal: Principal, case: RecoveryCase, amount: Decimal, on: date | None = None
) -> RecoveryCase:
    principal.require(Role.ASP_PAYING_AGENT, Role.ASP_INSTRUCTOR)
    on = on or clock.today()
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
        dossier = Dossier.objects.select_for_update().get(pk=case.dossier_id)
        if case.state != RecoveryState.REPAYMENT_ORDER:
            raise Conflict("Un reversement suit l'ordre de reversement.")
        outstanding = case.amount - sum((r.amount for r in case.repayments.all()), Decimal("0.00"))
        if amount <= 0 or amount > outstanding:
            raise Conflict(f"Montant invalide : reste à reverser {outstanding:.2f} €.")
        Repayment.objects.create(case=case, dossier=dossier, amount=amount, received_on=on)
        dossier.recovered += amount
        dossier.save(update_fields=["recovered", "updated_at"])
        record(
            "money.repayment",
            actor=principal.label,
            target=dossier,
            payload={"case": case.pk, "amount": amount},
        )
        if amount == outstanding:
            case.state = RecoveryState.RECOVERED
            case.closed_on = on
            case.save()
            perform(dossier, "recovered", principal, f"Reversement de {case.amount:.2f} € reçu.")
    return case


def cancel(principal: Principal, case: RecoveryCase, reason: str) -> RecoveryCase:
    principal.require(Role.ASP_INSTRUCTOR)
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().get(pk=case.pk)
        if case.state in (RecoveryState.RECOVERED, RecoveryState.CANCELLED):
            raise Conflict("Ce recouvrement est clos.")
        case.state = RecoveryState.CANCELLED
        case.closed_on = clock.today()
        case.reason = reason
        case.save()
        perform(case.dossier, "cancel_recovery", principal, reason)
    return case


def open_due_at_date_5(today: date | None = None) -> list[RecoveryCase]:
    """Dossiers whose advance was paid but with neither balance request nor attestation at Date 5."""
    today = today or clock.today()
    cases = []
    candidates = Dossier.objects.filter(state=DossierState.ADVANCE_PAID).select_related("solution_version")
    for dossier in candidates.iterator(chunk_size=500):
        evaluation = evaluate_recovery(recovery_facts(dossier), today)
        if RecoveryGround.NOT_COMPLETED_AT_DATE_5 in evaluation.grounds:
            try:
                case = open_case(
                    dossier, RecoveryGround.NOT_COMPLETED_AT_DATE_5, Principal.system(), today=today
                )
            except Conflict:
                continue  # the dossier moved since it was read (a balance filed, another run): nothing due
            cases.append(case)
    return cases

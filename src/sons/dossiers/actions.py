"""What suppliers and instructors do to dossiers: file (one or many), complete, decide, attest, declare."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from sons import clock
from sons.audit.journal import record_many
from sons.errors import ClientTaken, Forbidden, Invalid, NotFound, ReferenceTaken, Refused
from sons.notifications.enums import EventKind
from sons.notifications.events import completion_due_on, record_events
from sons.registry.models import SolutionVersion
from sons.rules import ADMISSIBLE_SUBJECT_TO_REFERENCING, NOT_ADMISSIBLE
from sons.suppliers.actions import organisation_may_file
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from . import declaration, pieces
from .enums import ClientKind, MessageKind
from .enums import DossierState as S
from .evaluations import evaluate_and_keep, record
from .models import Dossier, Evaluation, Message, Transition, centres_reserved, hold_centres, order_finess
from .snapshot import Facts, client_key, evaluate_dossier
from .workflow import TransitionRefused, perform


def client_taken(key: str) -> ClientTaken:
    kind, _, number = key.partition(":")
    label = "RPPS" if kind == "rpps" else "FINESS géographique"
    return ClientTaken(
        f"Le Client ({label} {number}) bénéficie déjà d'une commande déposée comprenant une Prestation Ségur "
        "(AF §4.2).",
        "client",
    )


def reference_taken(reference: str) -> ReferenceTaken:
    return ReferenceTaken(
        f"La référence de commande « {reference} » est déjà celle d'un autre dossier de l'organisation.",
        "supplier_reference",
    )


def client_of(declared: dict) -> tuple[str, str, str]:
    """The client a declaration names: (kind, rpps, finess), one identifier exactly."""
    client = declared["client"]
    rpps, finess = client["rpps"] or "", client["finess_geo"] or ""
    if bool(rpps) == bool(finess):
        raise Invalid(
            "Indiquez soit le n° RPPS du professionnel, soit le n° FINESS géographique du centre.", "client"
        )
    return (ClientKind.PROFESSIONAL if rpps else ClientKind.CENTRE), rpps, finess


def identify(dossier: Dossier, declared: dict) -> Dossier:
    """Give `dossier` the declaration's client, version and reference (and keep the declaration)."""
    kind, rpps, finess = client_of(declared)
    dossier.client_kind, dossier.rpps, dossier.finess_geo = kind, rpps, finess
    dossier.client_key = client_key(kind, rpps, finess)
    dossier.solution_version_id = declared["solution_version_id"]
    dossier.declare(declared)
    return dossier


def new_dossier(principal: Principal, document) -> Dossier:
    """An unsaved dossier from a supplier's declaration (checked here: `Invalid` names the field at fault)."""
    return identify(Dossier(supplier=principal.organisation), declaration.read(document))


@dataclass
class FilingResult:
    index: int
    dossier: Dossier | None = None
    error: Refused | None = None
    extra: dict = field(default_factory=dict)


def file_many(
    principal: Principal, items: list, *, draft: bool = False, dry_run: bool = False
) -> list[FilingResult]:
    """File many declarations (JSON-like documents, checked here): each item succeeds or fails alone; the
    successful ones are written in one transaction (dossiers, history, audit), falling back to one by one if a
    concurrent filing races. A draft holds no client (§2: it was never received), so it is never refused for
    one; a filed dossier is refused when its client holds a filed order. `dry_run`: the same checks and
    evaluation, nothing written (the dossiers come back unsaved, with their decision and amounts)."""
    principal.require(Role.SUPPLIER_MEMBER)
    results = [FilingResult(index) for index in range(len(items))]
    if not draft and (why := organisation_may_file(principal.organisation)):  # §6: enrolled first
        for result in results:
            result.error = Forbidden(why, "supplier")
        return results
    candidates: list[tuple[FilingResult, Dossier]] = []
    clients: set[str] = set()
    references: set[str] = set()
    for result, item in zip(results, items, strict=True):
        try:
            dossier = new_dossier(principal, item)
        except Refused as error:
            result.error = error
            continue
        reference = dossier.supplier_reference
        if not draft and dossier.client_key in clients:
            result.error = client_taken(dossier.client_key)
        elif reference and reference in references:
            result.error = reference_taken(reference)
        else:
            clients.add(dossier.client_key)
            references.add(reference)
            candidates.append((result, dossier))
    if not candidates:
        return results
    facts = Facts([d for _, d in candidates], [principal.organisation])
    references_used = references_in_use(principal.organisation, references - {""})
    today, now = clock.today(), clock.now()
    ready = []
    for result, dossier in candidates:
        if dossier.solution_version_id not in facts.versions:
            result.error = NotFound("Version de solution inconnue.", "solution_version_id")
        elif not draft and facts.filed_orders.get(dossier.client_key):
            result.error = client_taken(dossier.client_key)
        elif not draft and (centre := facts.taken_centre(dossier)):
            result.error = client_taken(f"finess:{centre}")
        elif dossier.supplier_reference in references_used:
            result.error = reference_taken(dossier.supplier_reference)
        if result.error:
            continue
        dossier.solution_version = facts.versions[
            dossier.solution_version_id
        ]  # read once, reused by the answer
        dossier.state = S.DRAFT if draft else S.ADVANCE_FILED
        dossier.advance_filed_on = None if draft else today
        evaluation = evaluate_dossier(dossier, "advance", today, facts)
        ready.append(
            (result, dossier, record(dossier, evaluation, "draft" if draft else "file_advance", now))
        )
    if not dry_run:
        _write_all(principal, ready, draft, now)
    for result, dossier, _ in ready:
        if result.error is None:
            result.dossier = dossier
    return results


def references_in_use(organisation, references: set[str]) -> set[str]:
    if not references:
        return set()
    found = Dossier.objects.filter(supplier=organisation, supplier_reference__in=references)
    return set(found.exclude(state=S.CANCELLED).values_list("supplier_reference", flat=True))


def _write_all(principal: Principal, ready: list, draft: bool, now) -> None:
    try:
        with transaction.atomic():
            _write(principal, [(d, e) for _, d, e in ready], draft, now)
    except IntegrityError:
        for result, dossier, evaluation in ready:  # a concurrent filing took one of these clients: one by one
            try:
                with transaction.atomic():
                    dossier.pk = None
                    _write(principal, [(dossier, evaluation)], draft, now)
            except IntegrityError:
                reference = dossier.supplier_reference
                taken = reference and references_in_use(principal.organisation, {reference})
                result.error = reference_taken(reference) if taken else client_taken(dossier.client_key)


def _write(principal: Principal, filed: list[tuple[Dossier, Evaluation]], draft: bool, now) -> None:
    created = Dossier.objects.bulk_create([dossier for dossier, _ in filed])
    hold_centres(created)  # a centre's order holds each of its centres (§4.2)
    for dossier, evaluation in filed:
        evaluation.dossier = dossier
    Evaluation.objects.bulk_create([evaluation for _, evaluation in filed])
    if draft:
        entries = [{"action": "dossier.created", "actor": principal.label, "target": d, "at": now,
                    "payload": {"state": d.state, "decision": d.decision}} for d in created]  # fmt: skip
    else:
        Transition.objects.bulk_create(
            Transition(dossier=d, name="file_advance", from_state=S.DRAFT, to_state=S.ADVANCE_FILED,
                       actor=principal.user, actor_label=principal.label, at=now)
            for d in created
        )  # fmt: skip
        entries = [{"action": "dossier.transition", "actor": principal.label, "target": d, "at": now,
                    "payload": {"step": "file_advance", "from": S.DRAFT, "to": S.ADVANCE_FILED,
                                "decision": d.decision, "financed": d.financed}} for d in created]  # fmt: skip
        record_events(
            [(EventKind.FILING_RECEIVED, d.supplier_id, d, {"dossier_id": d.pk, "state": d.state,
              "supplier_reference": d.supplier_reference, "request": "advance", "received_on": d.advance_filed_on,
              "decision": d.decision}) for d in created], at=now,
        )  # fmt: skip
    record_many(entries)


def file_one(principal: Principal, document, *, draft: bool = False, dry_run: bool = False) -> Dossier:
    (result,) = file_many(principal, [document], draft=draft, dry_run=dry_run)
    if result.error:
        raise result.error
    return result.dossier


def file_advance(principal: Principal, dossier: Dossier) -> Dossier:
    """File a draft: from now on it reserves its client (§4.2), unless a filed order already does. The copy of
    the signed order must be joined first (§6.2)."""
    if why := organisation_may_file(dossier.supplier):
        raise Forbidden(why, "supplier")

    def change(locked):
        if Dossier.objects.reserving().for_client(locked.client_key).exclude(pk=locked.pk).exists():
            raise client_taken(locked.client_key)
        if locked.client_kind == ClientKind.CENTRE and (
            held := centres_reserved(set(order_finess(locked)), locked)
        ):
            raise client_taken(f"finess:{min(held)}")
        pieces.require(locked, "advance")
        locked.advance_filed_on = clock.today()
        evaluate_and_keep(locked, "file_advance", "advance")

    try:
        return perform(dossier, "file_advance", principal, change=change)
    except IntegrityError:  # a concurrent filing took the client between the check and the write
        raise client_taken(dossier.client_key) from None


def merge_patch(target, patch):
    """RFC 7396 (JSON Merge Patch): the objects of `patch` merge into `target`'s, a null removes a field, any
    other value replaces it."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged


def correct_draft(principal: Principal, dossier: Dossier, document, *, partial: bool = False) -> Dossier:
    """Correct a draft: its whole declaration again (`document`), or, `partial`, a JSON merge patch of it (RFC
    7396: the fields named change, a null removes one). Checked as a filing is (sons.dossiers.declaration), the
    client and the version may change; the rules run again. A step of the lifecycle: history, audit."""
    principal.require(Role.SUPPLIER_MEMBER)

    def change(locked):
        body = merge_patch(locked.declaration, document) if partial else document
        identify(locked, declaration.read(body))
        if not SolutionVersion.objects.filter(pk=locked.solution_version_id).exists():
            raise NotFound("Version de solution inconnue.", "solution_version_id")
        reference = locked.supplier_reference
        if (
            reference
            and Dossier.objects.filter(supplier_id=locked.supplier_id)
            .with_reference(reference)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise reference_taken(reference)
        evaluate_and_keep(locked, "correct_draft", "advance")

    try:
        return perform(dossier, "correct_draft", principal, change=change)
    except IntegrityError:  # a concurrent correction or filing took the reference meanwhile
        raise reference_taken(dossier.supplier_reference) from None


def cancel_draft(principal: Principal, dossier: Dossier, reason: str = "") -> Dossier:
    """Abandon a draft (kept, with its history, in the state « Abandonné »)."""
    return perform(dossier, "cancel_draft", principal, reason)


def complete(principal: Principal, dossier: Dossier, changes: dict, answer: str) -> Dossier:
    """The supplier's answer to a completion request: the declarations it corrects (`order`, `balance`,
    `de_minimis_other_aid`; the fields of `order` it leaves out stay), then the rules run again."""
    request = "balance" if dossier.state == S.BALANCE_TO_COMPLETE else "advance"
    step = "complete_balance" if request == "balance" else "complete_advance"
    corrected = corrections(changes)

    def change(locked):
        locked.declare(corrected(locked.declared))
        evaluate_and_keep(locked, step, request)
        Message.objects.create(
            dossier=locked, kind=MessageKind.ANSWER, author_label=principal.label, body=answer,
            author=principal.user, from_supplier=True,
        )  # fmt: skip

    return perform(dossier, step, principal, answer, change=change)


def corrections(changes: dict):
    """The answer's corrections, checked now: the order's fields it names, the balance request, the client's other
    de minimis aids (beside `client` or in it); a function giving the corrected declaration."""
    order = declaration.read_changes(declaration.contract.ORDER, changes.get("order") or {})
    balance = declaration.read_balance(changes["balance"]) if changes.get("balance") else None
    client = dict(changes.get("client") or {})
    if "de_minimis_other_aid" in changes:  # beside `client`: the API's first shape
        client.setdefault("de_minimis_other_aid", changes["de_minimis_other_aid"])
    client = declaration.read_changes(declaration.CLIENT, {"de_minimis_other_aid": client["de_minimis_other_aid"]}
                                      if "de_minimis_other_aid" in client else {})  # fmt: skip

    def corrected(declared: dict) -> dict:
        result = {**declared, "order": {**declared["order"], **order},
                  "client": {**declared["client"], **client}}  # fmt: skip
        if balance is not None:
            result["balance"] = balance
        return result

    return corrected


def file_balance(principal: Principal, dossier: Dossier, document: dict) -> Dossier:
    """The balance request (VA, invoice, training: the contract's `balance`), checked, then evaluated. The copy
    of the invoice and the signed VA must be joined first (§6.4)."""
    balance = declaration.read_balance(document)
    if balance is None:
        raise Invalid("balance : section manquante", "balance")

    def change(locked):
        pieces.require(locked, "balance")
        locked.declare({**locked.declared, "balance": balance})
        locked.balance_filed_on = clock.today()
        evaluate_and_keep(locked, "file_balance", "balance")

    return perform(dossier, "file_balance", principal, change=change)


def attest_end_of_service(principal: Principal, dossier: Dossier, on: date | None = None) -> Dossier:
    def change(locked):
        locked.end_of_service_attested_on = on or clock.today()

    return perform(dossier, "attest_end_of_service", principal, change=change)


def _tell(principal: Principal, dossier: Dossier, step: str, kind: str, message: str) -> Dossier:
    """Take `step` (of the request filed: advance or balance) with its message to the supplier."""
    request = "balance" if dossier.state == S.BALANCE_FILED else "advance"

    def change(locked):
        due = completion_due_on() if kind == MessageKind.COMPLETION_REQUEST else None
        Message.objects.create(dossier=locked, kind=kind, author_label=principal.label, body=message,
                               author=principal.user, due_on=due)  # fmt: skip

    return perform(dossier, step.format(request=request), principal, message, change=change)


def request_completion(principal: Principal, dossier: Dossier, message: str) -> Dossier:
    return _tell(principal, dossier, "request_{request}_completion", MessageKind.COMPLETION_REQUEST, message)


def reject(principal: Principal, dossier: Dossier, message: str) -> Dossier:
    return _tell(principal, dossier, "reject_{request}", MessageKind.DECISION, message)


def validate(principal: Principal, dossier: Dossier, message: str = "") -> Dossier:
    """Validate a request without blocking findings and with the pieces the AF requires with it (§6.2: the
    signed order, joined after the filing by the direct filing doors; §6.4: the invoice and the VA); the rules run
    again on today's facts."""
    request = "balance" if dossier.state == S.BALANCE_FILED else "advance"

    step = "validate_balance" if request == "balance" else "validate_advance"

    def change(locked):
        _, evaluation = evaluate_and_keep(locked, step, request, instructing=True)
        if request == "advance":
            locked.advance_validated_on = clock.today()
        if evaluation.amounts.advance_to_recover is not None:
            raise TransitionRefused(
                f"L'avance versée dépasse le montant facturé de {evaluation.amounts.advance_to_recover:.2f} € : "
                "l'excédent est à reverser (§7) et le solde, nul, ne peut être validé avant que ce reversement "
                "soit organisé."
            )
        if locked.decision == NOT_ADMISSIBLE:
            blocking = [f["message"] for f in locked.findings if f["severity"] == "blocking"]
            raise TransitionRefused("Constats bloquants : " + " ; ".join(blocking))
        pieces.require_to_validate(locked, request)  # after the rules: a blocking finding says more
        if request == "advance" and locked.decision == ADMISSIBLE_SUBJECT_TO_REFERENCING:
            return S.ADVANCE_SUBJECT_TO_REFERENCING
        return None

    return perform(dossier, step, principal, message, change=change, audit_payload={"validated": True})


DECISIONS = {"validate": validate, "reject": reject, "request_completion": request_completion}


def decide_many(
    principal: Principal, dossiers: dict[int, Dossier | None], decision: str, message: str
) -> list[dict]:
    """One decision on many dossiers; each succeeds or fails alone (its own transaction)."""
    report = []
    action = DECISIONS[decision]
    for dossier_id, dossier in dossiers.items():
        if dossier is None:
            report.append({"id": dossier_id, "status": "error", "code": "not_found",
                           "message": "Dossier introuvable."})  # fmt: skip
            continue
        try:
            updated = action(principal, dossier, message)
        except Refused as error:
            report.append({"id": dossier_id, "status": "error", "code": error.code, "message": error.message,
                           **({"field": error.field} if error.field else {})})  # fmt: skip
        else:
            report.append({"id": dossier_id, "status": "ok", "state": updated.state})
    return report

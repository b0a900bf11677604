"""Recovery cases (§7): opened on a ground (Date 5 passed, incapacity declared, erroneous declaration,
referencing withdrawn), a formal notice always first, then the repayment order, the repayments. Each step is a
step of the dossier's lifecycle (sons.dossiers.workflow): the dossier's state is where the recovery stands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from sons import clock
from sons.audit.journal import record
from sons.dossiers.enums import DossierState
from sons.dossiers.models import Dossier
from sons.dossiers.workflow import TransitionRefused, perform
from sons.errors import Conflict, Invalid
from sons.rules import evaluate_recovery
from sons.suppliers.perms import Principal

from .enums import RecoveryGround
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


def _case(dossier: Dossier) -> RecoveryCase:
    return RecoveryCase.objects.select_related("dossier__solution_version").get(dossier=dossier)


def _take(principal: Principal, case: RecoveryCase, step: str, reason: str = "", *, change=None, **payload):
    """Take the dossier's recovery step `step` (sons.dossiers.workflow): the dossier's row is locked, so its
    case, one per dossier, changes with it; returns the case as saved."""
    perform(case.dossier, step, principal, reason, change=change, audit_payload={"case": case.pk, **payload})
    return _case(case.dossier_id)


def send_formal_notice(principal: Principal, case: RecoveryCase, on: date | None = None) -> RecoveryCase:
    on = on or clock.today()

    def change(dossier):
        RecoveryCase.objects.filter(dossier=dossier).update(formal_notice_sent_on=on)

    return _take(principal, case, "send_formal_notice", change=change, on=on)


def record_observations(principal: Principal, case: RecoveryCase, text: str) -> RecoveryCase:
    """The supplier's observations on the formal notice, as received by the ASP (added to the previous ones)."""

    def change(dossier):
        locked = _case(dossier)
        locked.observations = (locked.observations + "\n\n" + text).strip()
        locked.save(update_fields=["observations"])
        return dossier.state  # a note: the recovery stays where it is

    return _take(principal, case, "record_observations", text, change=change)


def order_repayment(principal: Principal, case: RecoveryCase, on: date | None = None) -> RecoveryCase:
    """Only once the formal notice's delay has run out without remedy (§7)."""
    on = on or clock.today()

    def change(dossier):
        locked = _case(dossier)
        if evaluate_recovery(recovery_facts(dossier, locked), on).step != "repayment_order":
            raise TransitionRefused(
                "L'ordre de reversement suit une mise en demeure restée sans effet à l'expiration de son délai."
            )
        locked.repayment_ordered_on = on
        locked.save(update_fields=["repayment_ordered_on"])

    return _take(principal, case, "order_repayment", change=change, amount=case.amount)


def record_repayment(
    principal: Principal, case: RecoveryCase, amount: Decimal, on: date | None = None
) -> RecoveryCase:
    """Money returned by the supplier; the recovery is closed (recovered) once the whole amount is back."""
    on = on or clock.today()

    def change(dossier):
        locked = _case(dossier)
        outstanding = locked.amount - sum((r.amount for r in locked.repayments.all()), Decimal("0.00"))
        if amount <= 0 or amount > outstanding:
            raise TransitionRefused(f"Montant invalide : reste à reverser {outstanding:.2f} €.")
        Repayment.objects.create(case=locked, dossier=dossier, amount=amount, received_on=on)
        dossier.recovered += amount
        if amount < outstanding:
            return DossierState.RECOVERY_ORDERED
        locked.closed_on = on
        locked.save(update_fields=["closed_on"])
        return DossierState.RECOVERED

    return _take(principal, case, "record_repayment", f"Reversement de {amount:.2f} € reçu.", change=change,
                 amount=amount)  # fmt: skip


def cancel(principal: Principal, case: RecoveryCase, reason: str) -> RecoveryCase:
    def change(dossier):
        RecoveryCase.objects.filter(dossier=dossier).update(closed_on=clock.today(), reason=reason)

    return _take(principal, case, "cancel_recovery", reason, change=change)


STEPS = {
    "send_formal_notice": lambda principal, case, text, amount: send_formal_notice(principal, case),
    "record_observations": lambda principal, case, text, amount: record_observations(principal, case, text),
    "order_repayment": lambda principal, case, text, amount: order_repayment(principal, case),
    "record_repayment": lambda principal, case, text, amount: record_repayment(principal, case, amount),
    "cancel_recovery": lambda principal, case, text, amount: cancel(principal, case, text),
}


def take(
    principal: Principal, case: RecoveryCase, step: str, *, text: str = "", amount: Decimal | None = None
):
    """The recovery step `step` (a name of the dossier's lifecycle) with its text or amount."""
    if step not in STEPS:
        raise Invalid("Étape de recouvrement inconnue.", "step")
    if step == "record_repayment" and amount is None:
        raise Invalid("Montant du reversement : obligatoire.", "amount")
    return STEPS[step](principal, case, text, amount)


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

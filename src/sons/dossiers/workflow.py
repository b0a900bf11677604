"""The dossier's lifecycle: an explicit transitions table; each transition checks its preconditions and
is logged (who, when, why) in the dossier's history and in the audit journal, atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sons.audit.journal import record
from sons.errors import Conflict, Forbidden
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import DossierState as S
from .models import Dossier, Transition

SUPPLIER = (Role.SUPPLIER_MEMBER,)
INSTRUCTOR = (Role.ASP_INSTRUCTOR,)
PAYING_AGENT = (Role.ASP_PAYING_AGENT,)
ANS = (Role.ANS_AGENT,)
SYSTEM = (Role.ADMIN,)


class TransitionRefused(Conflict):
    """A transition that the dossier's state or a business rule does not allow (French message)."""


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # several when a precondition picks (the §6.2 exception)
    roles: tuple[str, ...]
    needs_reason: bool = False


PAID_OR_LATER = (S.ADVANCE_PAID, S.BALANCE_FILED, S.BALANCE_TO_COMPLETE, S.BALANCE_REJECTED, S.BALANCE_VALIDATED,
                 S.BALANCE_PAID)  # fmt: skip

STEPS = {
    step.name: step
    for step in [
        Step("file_advance", "Déposer la demande d'avance", (S.DRAFT,), (S.ADVANCE_FILED,), SUPPLIER),
        Step("cancel_draft", "Abandonner le brouillon", (S.DRAFT,), (S.CANCELLED,), SUPPLIER),
        Step("request_advance_completion", "Demander un complément", (S.ADVANCE_FILED,), (S.ADVANCE_TO_COMPLETE,),
             INSTRUCTOR, needs_reason=True),
        Step("complete_advance", "Compléter la demande d'avance", (S.ADVANCE_TO_COMPLETE,), (S.ADVANCE_FILED,),
             SUPPLIER),
        Step("reject_advance", "Rejeter la demande d'avance", (S.ADVANCE_FILED,), (S.ADVANCE_REJECTED,), INSTRUCTOR,
             needs_reason=True),
        Step("validate_advance", "Valider la demande d'avance", (S.ADVANCE_FILED,),
             (S.ADVANCE_VALIDATED, S.ADVANCE_SUBJECT_TO_REFERENCING), INSTRUCTOR),
        Step("referencing_granted", "Référencement accordé", (S.ADVANCE_SUBJECT_TO_REFERENCING,),
             (S.ADVANCE_VALIDATED,), ANS),
        Step("referencing_refused", "Référencement refusé", (S.ADVANCE_SUBJECT_TO_REFERENCING,),
             (S.ADVANCE_REJECTED,), ANS),
        Step("pay_advance", "Avance versée", (S.ADVANCE_VALIDATED,), (S.ADVANCE_PAID,), PAYING_AGENT),
        Step("attest_end_of_service", "Attestation de fin de Prestation", (S.ADVANCE_PAID,), (S.ADVANCE_PAID,),
             SUPPLIER),
        Step("declare_incapacity", "Déclaration d'incapacité", (S.ADVANCE_VALIDATED, S.ADVANCE_PAID),
             (S.IN_RECOVERY, S.CANCELLED), SUPPLIER, needs_reason=True),
        Step("file_balance", "Déposer la demande de solde", (S.ADVANCE_PAID,), (S.BALANCE_FILED,), SUPPLIER),
        Step("request_balance_completion", "Demander un complément", (S.BALANCE_FILED,), (S.BALANCE_TO_COMPLETE,),
             INSTRUCTOR, needs_reason=True),
        Step("complete_balance", "Compléter la demande de solde", (S.BALANCE_TO_COMPLETE,), (S.BALANCE_FILED,),
             SUPPLIER),
        Step("reject_balance", "Rejeter la demande de solde", (S.BALANCE_FILED,), (S.BALANCE_REJECTED,), INSTRUCTOR,
             needs_reason=True),
        Step("validate_balance", "Valider la demande de solde", (S.BALANCE_FILED,), (S.BALANCE_VALIDATED,),
             INSTRUCTOR),
        Step("pay_balance", "Solde versé", (S.BALANCE_VALIDATED,), (S.BALANCE_PAID,), PAYING_AGENT),
        Step("open_recovery", "Ouverture d'un recouvrement", PAID_OR_LATER, (S.IN_RECOVERY,),
             INSTRUCTOR + ANS + SYSTEM, needs_reason=True),
        Step("recovered", "Reversement reçu", (S.IN_RECOVERY,), (S.RECOVERED,), INSTRUCTOR + PAYING_AGENT),
        Step("cancel_recovery", "Recouvrement abandonné", (S.IN_RECOVERY,), (S.RECOVERY_CANCELLED,), INSTRUCTOR,
             needs_reason=True),
    ]
}  # fmt: skip


def allowed_steps(dossier: Dossier, principal: Principal) -> list[Step]:
    return [step for step in STEPS.values() if dossier.state in step.sources and principal.may(*step.roles)]


def perform(
    dossier: Dossier,
    name: str,
    principal: Principal,
    reason: str = "",
    *,
    change: Callable[[Dossier], str | None] | None = None,
    audit_payload: dict | None = None,
) -> Dossier:
    """Apply the step `name` to `dossier` (locked), after `change` (which may pick the target state)."""
    step = STEPS[name]
    try:
        principal.require(*step.roles)
    except Forbidden as error:
        raise TransitionRefused(str(error)) from None
    if step.needs_reason and not reason.strip():
        raise TransitionRefused("Un motif (message) est obligatoire pour cette action.")
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.state not in step.sources:
            raise TransitionRefused(
                f"Action « {step.label} » impossible : le dossier est à l'état « {S(locked.state).label} »."
            )
        before = locked.state
        target = (change(locked) if change else None) or step.targets[0]
        if target not in step.targets:  # pragma: no cover - a defect in a change function
            raise TransitionRefused(f"État cible inattendu : {target}")
        locked.state = target
        locked.save()
        now = timezone.now()
        Transition.objects.create(
            dossier=locked, name=name, from_state=before, to_state=target, actor=principal.user,
            actor_label=principal.label, at=now, reason=reason,
        )  # fmt: skip
        record(
            "dossier.transition", actor=principal.label, target=locked, at=now,
            payload={"step": name, "from": before, "to": target, "reason": reason, **(audit_payload or {})},
        )  # fmt: skip
    return locked

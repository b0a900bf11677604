"""The dossier's lifecycle (sons.lifecycle): its transitions table, from the draft to the last euro paid or
recovered. Each step checks its preconditions and is logged (who, when, why) in the dossier's history and in the
audit journal, atomically. The recovery (§7) is part of it: the dossier's state is the recovery's."""

from __future__ import annotations

from collections.abc import Callable

from sons.lifecycle import Lifecycle, Step, TransitionRefused
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import RECOVERY_OPEN_STATES, PilotState
from .enums import DossierState as S
from .models import Dossier, Pilot, PilotTransition, Transition

__all__ = ["DOSSIER", "PAID_OR_LATER", "PILOT", "STEPS", "TransitionRefused", "allowed_steps", "perform"]

SUPPLIER = (Role.SUPPLIER_MEMBER,)
INSTRUCTOR = (Role.ASP_INSTRUCTOR,)
PAYING_AGENT = (Role.ASP_PAYING_AGENT,)
ANS = (Role.ANS_AGENT,)
SYSTEM = (Role.ADMIN,)

PAID_OR_LATER = (S.ADVANCE_PAID, S.BALANCE_FILED, S.BALANCE_TO_COMPLETE, S.BALANCE_REJECTED, S.BALANCE_VALIDATED,
                 S.BALANCE_PAID)  # fmt: skip
OPEN = RECOVERY_OPEN_STATES

DOSSIER = Lifecycle("dossier", "le dossier", Dossier, Transition, S, [
    Step("file_advance", "Déposer la demande d'avance", (S.DRAFT,), (S.ADVANCE_FILED,), SUPPLIER),
    Step("correct_draft", "Corriger le brouillon", (S.DRAFT,), (S.DRAFT,), SUPPLIER),
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
    # The recovery (§7): opened on a ground, a formal notice always first, then the repayment order.
    Step("open_recovery", "Ouverture d'un recouvrement", PAID_OR_LATER, (S.IN_RECOVERY,),
         INSTRUCTOR + ANS + SYSTEM, needs_reason=True),
    Step("send_formal_notice", "Adresser la mise en demeure", (S.IN_RECOVERY,), (S.RECOVERY_NOTICE_SENT,),
         INSTRUCTOR),
    Step("record_observations", "Enregistrer les observations du Fournisseur", OPEN, OPEN, INSTRUCTOR,
         needs_reason=True),
    Step("order_repayment", "Émettre l'ordre de reversement", (S.RECOVERY_NOTICE_SENT,), (S.RECOVERY_ORDERED,),
         INSTRUCTOR),
    Step("record_repayment", "Enregistrer un reversement reçu", (S.RECOVERY_ORDERED,), (S.RECOVERY_ORDERED, S.RECOVERED),
         INSTRUCTOR + PAYING_AGENT),
    Step("cancel_recovery", "Abandonner le recouvrement", OPEN, (S.RECOVERY_CANCELLED,), INSTRUCTOR,
         needs_reason=True),
])  # fmt: skip
STEPS = DOSSIER.steps

# The pilot perimeter (§6.3), submitted by the supplier, decided by the ANS.
PILOT = Lifecycle("pilot", "le périmètre pilote", Pilot, PilotTransition, PilotState, [
    Step("validate", "Valider le périmètre pilote", (PilotState.SUBMITTED,), (PilotState.VALIDATED,), ANS),
    Step("refuse", "Refuser le périmètre pilote", (PilotState.SUBMITTED,), (PilotState.REFUSED,), ANS),
])  # fmt: skip


def allowed_steps(dossier: Dossier, principal: Principal) -> list[Step]:
    return DOSSIER.allowed(dossier, principal)


def perform(
    dossier: Dossier,
    name: str,
    principal: Principal,
    reason: str = "",
    *,
    change: Callable[[Dossier], str | None] | None = None,
    audit_payload: dict | Callable[[Dossier], dict] | None = None,
) -> Dossier:
    """Apply the step `name` to `dossier` (locked), after `change` (which may pick the target state)."""
    return DOSSIER.perform(dossier, name, principal, reason, change=change, audit_payload=audit_payload)

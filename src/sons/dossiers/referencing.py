"""The ANS's referencing decision and the dossiers waiting for it (§6.2 exception): a grant validates the
advances admissible subject to referencing, a refusal rejects them, in the decision's transaction. (A withdrawal
sends the paid dossiers to recovery: sons.recoveries.withdrawal.)"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from sons import clock
from sons.registry.actions import decide_referencing
from sons.registry.enums import Referencing
from sons.registry.models import SolutionVersion
from sons.suppliers.perms import Principal

from .enums import DossierState as S
from .models import Dossier
from .workflow import perform

# The decision → the step each waiting dossier takes, and its reason in the history.
CASCADE = {
    Referencing.GRANTED: ("referencing_granted", "Référencement accordé"),
    Referencing.REFUSED: ("referencing_refused", "Référencement refusé"),
}


def decide(
    principal: Principal, version: SolutionVersion, decision: str, on: date | None = None, reason: str = ""
) -> list[Dossier]:
    """Grant or refuse the referencing of `version` (`reason`: the agent's motive, in the histories); the
    dossiers waiting for it follow. Returns them."""
    step, label = CASCADE[decision]
    with transaction.atomic():
        decide_referencing(principal, version, decision, on or clock.today(), reason)
        waiting = Dossier.objects.filter(solution_version=version, state=S.ADVANCE_SUBJECT_TO_REFERENCING)
        why = f"{label} : {reason}" if reason else label
        return [perform(dossier, step, principal, why) for dossier in waiting]


def grant(
    principal: Principal, version: SolutionVersion, on: date | None = None, reason: str = ""
) -> list[Dossier]:
    return decide(principal, version, Referencing.GRANTED, on, reason)


def refuse(
    principal: Principal, version: SolutionVersion, on: date | None = None, reason: str = ""
) -> list[Dossier]:
    return decide(principal, version, Referencing.REFUSED, on, reason)

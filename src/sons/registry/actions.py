"""ANS decisions: referencing (grant, refuse, withdraw — with the recovery impact shown first),
obsolete-version declarations checked by the §4.3 rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum

from sons import clock
from sons.audit.journal import record
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.dossiers.workflow import PAID_OR_LATER, TransitionRefused, perform
from sons.rules import evaluate_obsolete_version
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import Referencing
from .models import ObsoleteVersion, Solution, SolutionVersion


def grant(principal: Principal, version: SolutionVersion, on: date | None = None) -> list[Dossier]:
    """Referencing granted: requests admissible under the §6.2 exception become validated."""
    principal.require(Role.ANS_AGENT)
    on = on or clock.today()
    with transaction.atomic():
        _decide(version, Referencing.GRANTED, on, principal)
        waiting = Dossier.objects.filter(solution_version=version, state=S.ADVANCE_SUBJECT_TO_REFERENCING)
        return [perform(d, "referencing_granted", principal, "Référencement accordé") for d in waiting]


def refuse(principal: Principal, version: SolutionVersion, on: date | None = None) -> list[Dossier]:
    principal.require(Role.ANS_AGENT)
    on = on or clock.today()
    with transaction.atomic():
        _decide(version, Referencing.REFUSED, on, principal)
        waiting = Dossier.objects.filter(solution_version=version, state=S.ADVANCE_SUBJECT_TO_REFERENCING)
        return [perform(d, "referencing_refused", principal, "Référencement refusé") for d in waiting]


def _decide(version: SolutionVersion, decision: str, on: date, principal: Principal) -> None:
    version = SolutionVersion.objects.select_for_update().get(pk=version.pk)
    if version.referencing not in (Referencing.PENDING,) and decision != Referencing.WITHDRAWN:
        raise TransitionRefused("Une décision de référencement a déjà été prise pour cette version.")
    version.referencing = decision
    if decision == Referencing.WITHDRAWN:
        version.withdrawn_on = on
    else:
        version.referenced_on = on
    version.save()
    record(
        "registry.referencing",
        actor=principal.label,
        target=version,
        payload={"decision": decision, "on": on},
    )


@dataclass(frozen=True)
class WithdrawalImpact:
    dossiers: int
    paid: Decimal


def withdrawal_impact(version: SolutionVersion) -> WithdrawalImpact:
    """What a withdrawal sends to recovery: every paid dossier of the version and the euros paid."""
    paid = Dossier.objects.filter(solution_version=version, state__in=PAID_OR_LATER)
    total = paid.aggregate(total=Sum(F("paid_advance") + F("paid_balance")))["total"] or Decimal("0.00")
    return WithdrawalImpact(paid.count(), total)


def withdraw(
    principal: Principal, version: SolutionVersion, confirm_impact: WithdrawalImpact, on: date | None = None
):
    """Withdraw the referencing and open a recovery case for each paid dossier. The ANS confirms the impact
    it was shown; if it changed since, nothing is done."""
    from sons.recoveries.actions import open_case
    from sons.recoveries.enums import RecoveryGround

    principal.require(Role.ANS_AGENT)
    on = on or clock.today()
    with transaction.atomic():
        current = withdrawal_impact(version)
        if current != confirm_impact:
            raise TransitionRefused(
                f"L'impact a changé depuis l'aperçu : {current.dossiers} dossiers, {current.paid:.2f} € ; "
                "confirmez de nouveau."
            )
        if version.referencing != Referencing.GRANTED:
            raise TransitionRefused("Seule une version référencée peut voir son référencement retiré.")
        _decide(version, Referencing.WITHDRAWN, on, principal)
        paid = Dossier.objects.filter(solution_version=version, state__in=PAID_OR_LATER).select_related(
            "solution_version"
        )
        return [open_case(d, RecoveryGround.REFERENCING_WITHDRAWN, principal, today=on) for d in paid]


def declare_obsolete(principal: Principal, solution: Solution, declaration: dict, on: date | None = None):
    """Check a publisher's obsolete-version declaration (§4.3); record it on the public list if it passes."""
    principal.require(Role.ANS_AGENT)
    on = on or clock.today()
    outcome = evaluate_obsolete_version(declaration, on)
    if not outcome.ok:
        return None, outcome
    with transaction.atomic():
        obsolete = ObsoleteVersion.objects.create(
            solution=solution, version=declaration["version"], rank=declaration["version_rank"],
            end_announced_on=declaration["end_announced_on"], declared_on=on,
        )  # fmt: skip
        record("registry.obsolete_version", actor=principal.label, target=obsolete, payload=declaration)
    return obsolete, outcome

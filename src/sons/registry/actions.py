"""ANS decisions on the registry: referencing (grant, refuse, withdraw), obsolete-version declarations checked
by the §4.3 rules."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from sons import clock
from sons.audit.journal import record
from sons.rules import evaluate_obsolete_version
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import Referencing
from .models import ObsoleteVersion, Solution, SolutionVersion
from .workflow import REFERENCING, STEP_OF


def decide_referencing(
    principal: Principal, version: SolutionVersion, decision: str, on: date, reason: str = ""
) -> SolutionVersion:
    """The ANS's referencing decision on `version` (registry.workflow): granted or refused once, withdrawn after
    a grant, dated `on`. What it does to the version's dossiers is theirs (sons.dossiers.referencing,
    sons.recoveries.withdrawal)."""

    def change(locked):
        if decision == Referencing.WITHDRAWN:
            locked.withdrawn_on = on
        else:
            locked.referenced_on = on

    return REFERENCING.perform(
        version, STEP_OF[decision], principal, reason, change=change, audit_payload={"on": on}
    )


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
            latest_in_production_at_date_0=declaration.get("latest_in_production_at_date_0") or "",
            vague_1_version_rank=declaration.get("vague_1_version_rank"),
        )  # fmt: skip
        record("registry.obsolete_version", actor=principal.label, target=obsolete, payload=declaration)
    return obsolete, outcome

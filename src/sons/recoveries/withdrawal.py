"""Withdrawing a version's referencing (§7): every paid dossier of the version goes to recovery. The ANS sees the
impact first and confirms it; if it changed in between, nothing is done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum

from sons import clock
from sons.dossiers.models import Dossier
from sons.dossiers.workflow import PAID_OR_LATER
from sons.errors import Conflict
from sons.registry.actions import decide_referencing
from sons.registry.enums import Referencing
from sons.registry.models import SolutionVersion
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .actions import open_case
from .enums import RecoveryGround
from .models import RecoveryCase


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
) -> list[RecoveryCase]:
    """Withdraw the referencing and open a recovery case for each paid dossier, if the impact the ANS confirms
    is still the one it was shown."""
    principal.require(Role.ANS_AGENT)
    on = on or clock.today()
    with transaction.atomic():
        current = withdrawal_impact(version)
        if current != confirm_impact:
            raise Conflict(
                f"L'impact a changé depuis l'aperçu : {current.dossiers} dossiers, {current.paid:.2f} € ; "
                "confirmez de nouveau."
            )
        decide_referencing(principal, version, Referencing.WITHDRAWN, on)
        paid = Dossier.objects.filter(solution_version=version, state__in=PAID_OR_LATER).select_related(
            "solution_version"
        )
        return [open_case(d, RecoveryGround.REFERENCING_WITHDRAWN, principal, today=on) for d in paid]

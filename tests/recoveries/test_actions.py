"""A recovery (§7) is a part of its dossier's lifecycle: each step is guarded by its role and state, moves the
dossier's state (the one place where the recovery stands), and leaves a history row and an audit entry."""

from decimal import Decimal

import pytest

from sons.audit.models import AuditEntry
from sons.dossiers.enums import DossierState as S
from sons.errors import Forbidden
from sons.lifecycle import TransitionRefused
from sons.recoveries import actions as recoveries
from sons.recoveries.models import RecoveryCase
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, staff, supplier_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(today):
    """The recovery opened on a paid advance whose supplier declared its incapacity (§4.4)."""
    today("2026-09-20")
    return RecoveryCase.objects.select_related("dossier__solution_version").get(
        dossier=DossierFactory(in_recovery=True)
    )


@pytest.fixture
def instructor():
    return staff(Role.ASP_INSTRUCTOR, "instructeur")[0]


@pytest.fixture
def paying():
    return staff(Role.ASP_PAYING_AGENT, "agent-payeur")[0]


def test_the_recovery_moves_the_dossier_and_leaves_its_history(today, case, instructor, paying):
    assert not hasattr(case, "state")  # where the recovery stands is the dossier's state alone
    assert case.dossier.state == S.IN_RECOVERY
    case = recoveries.send_formal_notice(instructor, case)
    assert case.dossier.state == S.RECOVERY_NOTICE_SENT
    case = recoveries.record_observations(instructor, case, "Le Client a repris son activité.")
    assert (case.dossier.state, case.observations) == (
        S.RECOVERY_NOTICE_SENT,
        "Le Client a repris son activité.",
    )
    today("2026-10-21")  # the 31st day after the notice: its delay has run out
    case = recoveries.order_repayment(instructor, case)
    case = recoveries.record_repayment(paying, case, Decimal("50.00"))
    assert case.dossier.state == S.RECOVERY_ORDERED  # part of the amount only
    case = recoveries.record_repayment(paying, case, case.amount - Decimal("50.00"))
    assert (case.dossier.state, case.dossier.recovered) == (S.RECOVERED, case.amount)
    steps = list(case.dossier.transitions.values_list("name", flat=True))
    assert steps[-6:] == ["declare_incapacity", "send_formal_notice", "record_observations", "order_repayment",
                          "record_repayment", "record_repayment"]  # fmt: skip
    audited = AuditEntry.objects.filter(action="dossier.transition", target_id=str(case.dossier_id))
    assert [entry.payload["step"] for entry in audited.order_by("seq")][-5:] == steps[-5:]


def test_observations_are_recorded_by_the_instructor_only(case, paying):
    supplier = supplier_token(case.dossier.supplier)[0]
    for someone in (supplier, paying):
        with pytest.raises(Forbidden):
            recoveries.record_observations(someone, case, "Observations.")
    assert RecoveryCase.objects.get(pk=case.pk).observations == ""


def test_a_step_out_of_its_state_is_refused_and_leaves_nothing(case, instructor, paying):
    history = case.dossier.transitions.count()
    with pytest.raises(TransitionRefused, match="impossible : le dossier est à l'état « En recouvrement »"):
        recoveries.order_repayment(instructor, case)  # the formal notice comes first
    with pytest.raises(TransitionRefused):
        recoveries.record_repayment(paying, case, Decimal("1.00"))
    assert case.dossier.transitions.count() == history
    assert RecoveryCase.objects.get(pk=case.pk).repayment_ordered_on is None

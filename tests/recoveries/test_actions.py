"""A recovery (§7) is a part of its dossier's lifecycle: each step is guarded by its role and state, moves the
dossier's state (the one place where the recovery stands), and leaves a history row and an audit entry."""

from decimal import Decimal

import pytest

from sons.audit.models import AuditEntry
from sons.dossiers.actions import file_many, validate
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.errors import Forbidden
from sons.lifecycle import TransitionRefused
from sons.payments.actions import confirm_batch, prepare_batch, send_batch
from sons.recoveries import actions as recoveries
from sons.recoveries.models import RecoveryCase
from sons.suppliers.enums import Role
from tests.db_factories import ProfessionalFactory, enrolled_publisher_version, staff, supplier_token
from tests.factories import BASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    supplier = supplier_token(version.solution.publisher.organisation)[0]
    instructor, paying = (
        staff(Role.ASP_INSTRUCTOR, "instructeur")[0],
        staff(Role.ASP_PAYING_AGENT, "payeur")[0],
    )
    order = {**BASE["order"], "issued_on": "2026-08-01"}
    items = [{"client": {"rpps": p.rpps}, "solution_version_id": version.pk, "order": order,
              "de_minimis_other_aid": "0.00"} for p in ProfessionalFactory.create_batch(2)]  # fmt: skip
    for result in file_many(supplier, items):
        validate(instructor, result.dossier)
    confirm_batch(paying, send_batch(paying, prepare_batch(paying)))
    dossiers = list(Dossier.objects.order_by("pk"))
    return supplier, instructor, paying, dossiers


def test_the_recovery_moves_the_dossier_and_leaves_its_history(today, people):
    supplier, instructor, paying, (dossier, _) = people
    recoveries.declare_incapacity(supplier, dossier, "Le Client a cessé son activité.")
    case = RecoveryCase.objects.get(dossier=dossier)
    assert not hasattr(case, "state")  # where the recovery stands is the dossier's state alone
    case = recoveries.send_formal_notice(instructor, case)
    assert case.dossier.state == S.RECOVERY_NOTICE_SENT
    case = recoveries.record_observations(instructor, case, "Le Client a repris son activité.")
    assert (case.dossier.state, case.observations) == (
        S.RECOVERY_NOTICE_SENT,
        "Le Client a repris son activité.",
    )
    today("2026-10-02")  # the 31st day after the notice: its delay has run out
    case = recoveries.order_repayment(instructor, case)
    case = recoveries.record_repayment(paying, case, Decimal("50.00"))
    assert case.dossier.state == S.RECOVERY_ORDERED  # part of the amount only
    case = recoveries.record_repayment(paying, case, case.amount - Decimal("50.00"))
    assert (case.dossier.state, case.dossier.recovered) == (S.RECOVERED, case.amount)
    steps = list(case.dossier.transitions.values_list("name", flat=True))
    assert steps[-6:] == ["declare_incapacity", "send_formal_notice", "record_observations", "order_repayment",
                          "record_repayment", "record_repayment"]  # fmt: skip
    audited = AuditEntry.objects.filter(action="dossier.transition", target_id=str(dossier.pk))
    assert [entry.payload["step"] for entry in audited.order_by("seq")][-5:] == steps[-5:]


def test_observations_are_recorded_by_the_instructor_only(people):
    supplier, _, paying, (dossier, _) = people
    recoveries.declare_incapacity(supplier, dossier, "Le Client a cessé son activité.")
    case = RecoveryCase.objects.get(dossier=dossier)
    for someone in (supplier, paying):
        with pytest.raises(Forbidden):
            recoveries.record_observations(someone, case, "Observations.")
    assert RecoveryCase.objects.get(pk=case.pk).observations == ""


def test_a_step_out_of_its_state_is_refused_and_leaves_nothing(people):
    supplier, instructor, paying, (dossier, _) = people
    recoveries.declare_incapacity(supplier, dossier, "Le Client a cessé son activité.")
    case = RecoveryCase.objects.get(dossier=dossier)
    history = dossier.transitions.count()
    with pytest.raises(TransitionRefused, match="impossible : le dossier est à l'état « En recouvrement »"):
        recoveries.order_repayment(instructor, case)  # the formal notice comes first
    with pytest.raises(TransitionRefused):
        recoveries.record_repayment(paying, case, Decimal("1.00"))
    assert dossier.transitions.count() == history
    assert RecoveryCase.objects.get(pk=case.pk).repayment_ordered_on is None

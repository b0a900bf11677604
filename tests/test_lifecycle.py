"""One idiom for every lifecycle (sons.lifecycle): a step checks the role and the state, moves the object, and
leaves one history row and one audit entry, or nothing when refused."""

import pytest

from sons.audit.models import AuditEntry
from sons.dossiers.models import Pilot
from sons.dossiers.workflow import DOSSIER, PILOT
from sons.errors import Forbidden
from sons.lifecycle import TransitionRefused
from sons.payments.models import PaymentBatch
from sons.payments.workflow import BATCH
from sons.registry.workflow import REFERENCING
from sons.suppliers.enums import Role
from sons.suppliers.workflow import ENROLMENT
from tests.db_factories import EnrolmentFactory, SolutionVersionFactory, staff

pytestmark = pytest.mark.django_db


def objects():
    """(lifecycle, its object, a step it allows, the role that takes it, another role)."""
    version = SolutionVersionFactory(pending=True)
    organisation = version.solution.publisher.organisation
    pilot = Pilot.objects.create(supplier=organisation, solution_version=version)
    return [
        (ENROLMENT, EnrolmentFactory(state="filed"), "request_completion", Role.ASP_INSTRUCTOR, Role.ANS_AGENT),
        (BATCH, PaymentBatch.objects.create(prepared_by="agent"), "reject", Role.ASP_PAYING_AGENT,
         Role.ASP_INSTRUCTOR),
        (PILOT, pilot, "refuse", Role.ANS_AGENT, Role.ASP_INSTRUCTOR),
        (REFERENCING, version, "refuse", Role.ANS_AGENT, Role.ASP_PAYING_AGENT),
    ]  # fmt: skip


def test_every_lifecycle_takes_a_step_with_its_history_and_its_audit_entry():
    for n, (lifecycle, obj, step, role, _) in enumerate(objects()):
        principal = staff(role, f"agent-{n}")[0]
        moved = lifecycle.perform(obj, step, principal, "Motif.")
        (row,) = lifecycle.history.objects.filter(**{lifecycle.subject: obj})
        assert (row.name, row.from_state, row.to_state, row.actor_label, row.reason) == (
            step, getattr(obj, lifecycle.field), getattr(moved, lifecycle.field), principal.label, "Motif."
        )  # fmt: skip
        (entry,) = AuditEntry.objects.filter(action=f"{lifecycle.kind}.transition", target_id=str(obj.pk))
        assert entry.payload["step"] == step and entry.payload["to"] == row.to_state


def test_a_step_is_refused_to_another_role_and_out_of_its_state():
    for n, (lifecycle, obj, step, role, other) in enumerate(objects()):
        with pytest.raises(Forbidden):
            lifecycle.perform(obj, step, staff(other, f"autre-{n}")[0], "Motif.")
        principal = staff(role, f"agent-{n}")[0]
        lifecycle.perform(obj, step, principal, "Motif.")
        with pytest.raises(TransitionRefused, match="impossible"):
            lifecycle.perform(obj, step, principal, "Motif.")
        assert lifecycle.history.objects.filter(**{lifecycle.subject: obj}).count() == 1


def test_each_table_names_real_states_and_roles():
    for lifecycle in (DOSSIER, PILOT, BATCH, REFERENCING, ENROLMENT):
        for step in lifecycle.steps.values():
            # "": the object does not exist yet (an enrolment is filed from nothing)
            assert set(step.sources) - {""} | set(step.targets) <= set(lifecycle.states.values), step.name
            assert step.roles and set(step.roles) <= set(Role.values), step.name

"""An event's hooks (the webhook deliveries) have their own job, ahead of the e-mails' fan-outs: behind a
backlog of fan-outs, a worker takes the hooks' jobs first; a rolled-back change leaves neither job."""

from unittest import mock

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from sons.jobs.worker import make_worker
from sons.notifications.enums import EventKind
from sons.notifications.events import record_event
from tests.db_factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HOOKS, FAN_OUT = "sons.notifications.delivery.hook_out", "sons.notifications.delivery.fan_out"


def run(jobs: int) -> None:
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        make_worker(batch=True, interval=0, beats=False, max_tasks=jobs).run()


def statuses() -> dict[str, set]:
    out = {}
    for path, status in DBTaskResult.objects.values_list("task_path", "status"):
        out.setdefault(path, set()).add(status)
    return out


def test_the_hooks_jobs_run_before_a_backlog_of_fan_outs():
    organisation = OrganisationFactory()
    for _ in range(3):
        record_event(EventKind.VALIDATED, organisation=organisation)
    assert DBTaskResult.objects.filter(task_path=HOOKS).count() == 3
    assert DBTaskResult.objects.filter(task_path=FAN_OUT).count() == 3
    run(3)
    assert statuses() == {HOOKS: {"SUCCESSFUL"}, FAN_OUT: {"READY"}}


def test_a_rolled_back_change_leaves_no_job():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(EventKind.VALIDATED, organisation=OrganisationFactory())
        raise RuntimeError("refusée")
    assert not DBTaskResult.objects.exists()

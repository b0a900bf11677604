"""The fan-out job (the webhook deliveries, the notifications) runs ahead of the e-mails: it does database work
only and queues its e-mails in a job of their own, behind it, so a backlog of e-mails never delays the next
event's webhooks. A rolled-back change leaves no job."""

from unittest import mock

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from sons.jobs.worker import make_worker
from sons.notifications.enums import EventKind
from sons.notifications.events import record_event
from sons.webhooks.models import Delivery
from tests.db_factories import OrganisationFactory
from tests.notifications.test_delivery import person

from ..webhooks.conftest import subscribe

pytestmark = pytest.mark.django_db

FAN_OUT, EMAILS = "sons.notifications.delivery.fan_out", "sons.notifications.delivery.send_emails"


def run(jobs: int) -> None:
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        make_worker(queues="default", batch=True, interval=0, beats=False, max_tasks=jobs).run()


def statuses() -> dict[str, set]:
    out = {}
    for path, status in DBTaskResult.objects.values_list("task_path", "status"):
        out.setdefault(path, set()).add(status)
    return out


def test_the_next_events_fan_out_runs_before_the_e_mails_waiting(smtp_inbox):
    organisation = OrganisationFactory()
    person("claire", organisation=organisation)
    subscribe(organisation, "https://93.184.215.14/hook")
    record_event(EventKind.VALIDATED, organisation=organisation)
    run(1)
    assert statuses()[FAN_OUT] == {"SUCCESSFUL"} and statuses()[EMAILS] == {"READY"}  # an e-mail waits
    record_event(EventKind.VALIDATED, organisation=organisation)
    run(1)  # the new event's fan-out, not the e-mail queued before it
    assert statuses()[FAN_OUT] == {"SUCCESSFUL"} and statuses()[EMAILS] == {"READY"}
    assert Delivery.objects.count() == 2  # both events' webhooks made; their e-mails still wait
    assert smtp_inbox.to("claire@exemple.fr") == []
    run(2)
    assert len(smtp_inbox.to("claire@exemple.fr")) == 2


def test_a_rolled_back_change_leaves_no_job():
    organisation = OrganisationFactory()

    def refused_change():
        with transaction.atomic():
            record_event(EventKind.VALIDATED, organisation=organisation)
            raise RuntimeError("refusée")

    with pytest.raises(RuntimeError):
        refused_change()
    assert not DBTaskResult.objects.exists()

"""/readyz: 200 when the database, the cache, the queue and the schedule are fine; 503 naming what is not."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sons.jobs import enqueue, tasks
from sons.jobs.models import PeriodicJob
from sons.jobs.schedule import tick

pytestmark = pytest.mark.django_db


def ready():
    response = Client().get("/readyz")
    return response.status_code, response.json()


def test_ready_once_the_scheduler_has_run():
    status, body = ready()
    assert status == 503 and body["checks"]["periodic"]["jobs"]["deadlines"]["reason"].startswith("jamais")
    tick()
    status, body = ready()
    assert status == 200, body
    assert body["checks"]["database"] == {"ok": True} and body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["queue"]["waiting"] == 1  # the dashboards, just enqueued
    assert set(body["checks"]["periodic"]["jobs"]) == {
        "dashboards",
        "deadlines",
        "purge",
        "rpps",
        "reminders",
        "digests",
    }


def test_not_ready_when_the_queue_falls_behind(settings):
    tick()
    job = enqueue(tasks.purge)
    DBTaskResult.objects.filter(pk=job.id).update(enqueued_at=timezone.now() - timedelta(minutes=11))
    status, body = ready()
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["queue"]["ok"] is False and body["checks"]["queue"]["oldest_waiting_seconds"] > 600


def test_not_ready_when_a_periodic_job_is_late():
    tick()
    PeriodicJob.objects.filter(name="deadlines").update(next_run_at=timezone.now() - timedelta(hours=1))
    status, body = ready()
    assert status == 503
    assert body["checks"]["periodic"]["jobs"]["deadlines"]["reason"] == "en retard (planificateur arrêté ?)"


def test_sentry_is_started_with_the_scrubbing_hook():
    import sentry_sdk

    from sons.observability import before_send, init_sentry

    init_sentry("https://public@127.0.0.1:9/1", environment="test")
    try:
        assert sentry_sdk.get_client().options["before_send"] is before_send
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()  # no DSN: disabled again

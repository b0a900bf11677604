"""The schedule, the enqueue-with-the-change guarantee, and the periodic jobs themselves (run in process)."""

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sons.api.models import IdempotencyRecord
from sons.jobs import enqueue, tasks
from sons.jobs.locks import AlreadyRunning, acquire, exclusive
from sons.jobs.models import PeriodicJob, WorkerBeat
from sons.jobs.schedule import SCHEDULE, Entry, tick
from sons.jobs.worker import requeue_orphans
from tests.queue import run_pending

pytestmark = pytest.mark.django_db


def test_a_job_is_committed_with_its_change_or_not_at_all():
    def failing_change():
        with transaction.atomic():
            enqueue(tasks.dashboards)
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        failing_change()
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        result = enqueue(tasks.dashboards)
    assert DBTaskResult.objects.get().pk is not None and str(DBTaskResult.objects.get().pk) == result.id


def test_each_entry_is_enqueued_when_due_and_once():
    # Noon in Paris, not the clock's now: run in the five minutes before a daily job's hour (00:55 to 01:00…),
    # the tick five minutes later would find that job due too.
    now = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
    assert tick(now) == ["dashboards"]  # the 5-minute job at once; the daily ones at their hour
    assert tick(now) == []
    assert tick(now + timedelta(minutes=5)) == ["dashboards"]
    later = now + timedelta(days=1, hours=1)
    assert sorted(tick(later)) == ["dashboards", "deadlines", "digests", "purge", "reminders", "rpps"]
    assert DBTaskResult.objects.count() == 8


def test_daily_times_are_paris_times():
    entry = Entry("x", None, at=time(1, 0))
    winter = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)  # 00:30 in Paris
    assert entry.next_after(winter) == datetime(2026, 1, 11, 0, 0, tzinfo=UTC)  # 01:00 in Paris
    summer = datetime(2026, 7, 10, 23, 30, tzinfo=UTC)  # 01:30 in Paris: today's run has passed
    assert entry.next_after(summer) == datetime(2026, 7, 11, 23, 0, tzinfo=UTC)


def test_the_schedule_names_the_required_jobs():
    assert {entry.name: entry.period for entry in SCHEDULE} == {
        "dashboards": timedelta(minutes=5), "deadlines": timedelta(days=1),
        "purge": timedelta(days=1), "rpps": timedelta(days=1), "reminders": timedelta(days=1),
        "digests": timedelta(days=1),
    }  # fmt: skip


def test_periodic_jobs_run_through_the_queue_and_record_their_run():
    tick(timezone.now())  # the schedule is set up: the dashboards now, the daily jobs at their next hour
    tick(timezone.now() + timedelta(days=2))
    assert run_pending() == 7
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    outcomes = dict(PeriodicJob.objects.values_list("name", "last_outcome"))
    assert outcomes == {"dashboards": "réussi", "deadlines": "réussi", "purge": "réussi", "rpps": "réussi",
                        "reminders": "réussi", "digests": "réussi"}  # fmt: skip
    rpps = DBTaskResult.objects.get(task_path="sons.jobs.tasks.rpps")
    assert rpps.return_value == "SONS_RPPS_PATH non défini : actualisation de l'annuaire RPPS ignorée."


def test_a_run_finding_the_lock_held_by_a_live_holder_stops():
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="alive", host="h", pid=1, started_at=now, seen_at=now)
    assert acquire("deadlines", "alive")
    with pytest.raises(AlreadyRunning, match="« deadlines » est déjà en cours"):  # noqa: SIM117
        with exclusive("deadlines"):
            pass
    assert "déjà en cours" in tasks.deadlines.call()


def test_a_lock_held_by_a_dead_holder_is_taken():
    stale = timezone.now() - timedelta(minutes=5)
    WorkerBeat.objects.create(worker_id="dead", host="h", pid=1, started_at=stale, seen_at=stale)
    assert acquire("deadlines", "dead")
    assert acquire("deadlines", "someone-else")


def test_jobs_of_a_dead_worker_go_back_to_the_queue_then_fail_after_three_workers():
    stale = timezone.now() - timedelta(minutes=5)
    WorkerBeat.objects.create(worker_id="w1", host="h", pid=1, started_at=stale, seen_at=stale)
    job = enqueue(tasks.dashboards)
    DBTaskResult.objects.filter(pk=job.id).update(status="RUNNING", worker_ids=["w1"])
    assert requeue_orphans() == 1
    assert DBTaskResult.objects.get(pk=job.id).status == "READY"
    DBTaskResult.objects.filter(pk=job.id).update(status="RUNNING", worker_ids=["w1", "w2", "w3"])
    requeue_orphans()
    lost = DBTaskResult.objects.get(pk=job.id)
    assert lost.status == "FAILED" and lost.exception_class_path == "sons.jobs.worker.WorkerLost"


def test_the_daily_purge_removes_expired_sessions_and_day_old_idempotency_keys():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="", expire_date=now - timedelta(seconds=1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(hours=1))
    old = IdempotencyRecord.objects.create(owner="user:1", key="a", fingerprint="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=25))
    IdempotencyRecord.objects.create(owner="user:1", key="b", fingerprint="x")
    report = tasks.purge.call()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["b"]
    assert report.startswith("1 session(s) expirée(s), 1 clé(s) d'idempotence")


def test_the_rpps_refresh_loads_the_configured_extract(settings, tmp_path):
    from django.core.management import call_command

    from sons.directory.models import Professional

    extract = tmp_path / "rpps.txt"
    call_command("gen_rpps", "--rows", "40", str(extract), stdout=io.StringIO())
    settings.SONS_RPPS_PATH = str(extract)
    out = io.StringIO()
    tasks.refresh_rpps(out)
    assert "Données remplacées" in out.getvalue()
    assert Professional.objects.count() > 0

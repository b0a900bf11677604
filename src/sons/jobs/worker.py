"""The worker: django-tasks-db's, with a heartbeat, and jobs of dead workers put back in the queue.

django-tasks-db claims a job (status RUNNING, the worker's id appended to `worker_ids`) in a short transaction
with SELECT … FOR UPDATE SKIP LOCKED, so that each job is claimed by exactly one worker. If that worker is
killed, the job would stay RUNNING for ever: `requeue_orphans` (run by every worker and by the scheduler every
SONS_JOBS_BEAT_SECONDS) puts it back to READY when its worker's beat is stale, or marks it FAILED after
MAX_ATTEMPTS claims (a job that kills its worker each time must not take the queue down). A job can therefore
run more than once when a worker dies in the middle of it: jobs are written to be idempotent.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult

from .beats import Heartbeat, live_ids, new_worker_id

logger = logging.getLogger("sons.jobs")
MAX_ATTEMPTS = 3
current_worker_id: str | None = None  # the id of the worker running in this process, if any


def requeue_orphans() -> int:
    """Jobs RUNNING on a worker whose beat is stale go back to READY (or FAILED after MAX_ATTEMPTS)."""
    live = set(live_ids().values_list("worker_id", flat=True))
    done = 0
    for job in DBTaskResult.objects.running().only("id", "worker_ids", "task_path"):
        holder = job.worker_ids[-1] if job.worker_ids else ""
        if holder in live:
            continue
        with transaction.atomic():
            locked = DBTaskResult.objects.select_for_update().filter(
                pk=job.pk, status=TaskResultStatus.RUNNING
            )
            row = locked.first()
            if row is None or (row.worker_ids and row.worker_ids[-1] != holder):
                continue
            if len(row.worker_ids) >= MAX_ATTEMPTS:
                locked.update(
                    status=TaskResultStatus.FAILED, finished_at=timezone.now(),
                    exception_class_path="sons.jobs.worker.WorkerLost",
                    traceback=f"Travailleur perdu {len(row.worker_ids)} fois pendant ce travail : abandonné.",
                )  # fmt: skip
                logger.error("Travail %s (%s) abandonné après %d travailleurs perdus", row.pk, row.task_path,
                             len(row.worker_ids))  # fmt: skip
            else:
                locked.update(status=TaskResultStatus.READY, started_at=None)
                logger.warning(
                    "Travail %s (%s) remis en file : travailleur %s perdu", row.pk, row.task_path, holder
                )
            done += 1
    return done


class Worker(DbWorker):
    """Runs jobs until stopped (SIGINT/SIGTERM: the current job finishes first). Its heartbeat thread also
    puts the jobs of dead workers back in the queue."""

    def __init__(self, *, beats: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.beats = beats

    def run(self) -> None:
        global current_worker_id
        current_worker_id = self.worker_id
        try:
            if self.beats:
                with Heartbeat(self.worker_id, on_beat=requeue_orphans):
                    super().run()
            else:
                super().run()
        finally:
            current_worker_id = None


def make_worker(*, queues: str = "*", interval: float = 1.0, batch: bool = False, max_tasks=None,
                worker_id: str | None = None, beats: bool = True) -> Worker:  # fmt: skip
    return Worker(
        queue_names=queues.split(","), interval=interval, batch=batch, backend_name="default",
        startup_delay=not batch, max_tasks=max_tasks, worker_id=worker_id or new_worker_id(),
        excluded_queue_names=[], beats=beats,
    )  # fmt: skip

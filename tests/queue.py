"""Running the queue's ready jobs inside a test, in the test's own transaction and process."""

from unittest import mock

from django_tasks_db.models import DBTaskResult

from sons.jobs.worker import make_worker


def run_pending(queues: str = "*") -> int:
    """Every job ready now (of `queues`), run here by a worker without heartbeat thread; how many ran. The
    worker's `close_old_connections` is held off: it would close the connection holding the test's transaction."""
    before = DBTaskResult.objects.finished().count()
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        make_worker(queues=queues, batch=True, interval=0, beats=False).run()
    return DBTaskResult.objects.finished().count() - before

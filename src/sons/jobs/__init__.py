"""Jobs on a real queue: django-tasks with its database backend (docs/architecture.md says why).

    from sons.jobs import enqueue
    with transaction.atomic():
        document = Document.objects.create(...)
        enqueue(check_document, document.pk)     # the job row is written in this transaction

`enqueue` is the one place the rest of SONS enqueues from. The job's row is an INSERT on the same database
connection as the change that causes it: inside `transaction.atomic()` both are committed together or not at
all (no `on_commit`, which would lose the job if the process died between the commit and the enqueue).

Workers (`sons worker`, several per machine and machines) take jobs with SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL (SQLite serialises them); a job claimed by a worker that died is put back in the queue
(`sons.jobs.worker`); the scheduler (`sons scheduler`) enqueues the periodic jobs (`sons.jobs.schedule`),
which never overlap (`sons.jobs.locks`).
"""

from __future__ import annotations


def enqueue(task, *args, **kwargs):
    """Enqueue `task(*args, **kwargs)` in the current transaction; returns the job's result handle (its id:
    `.id`). Arguments must be JSON values (ids, not model instances)."""
    return task.enqueue(*args, **kwargs)


def get_result(result_id: str):
    """The job's result handle (status, return value), or None when there is no such job."""
    from django_tasks_db.compat import TaskResultDoesNotExist, task_backends

    try:
        return task_backends["default"].get_result(result_id)
    except TaskResultDoesNotExist:
        return None

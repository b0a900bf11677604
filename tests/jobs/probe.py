"""Jobs for the queue tests, and the helpers the tests run in processes of their own (`python -c`).

Each job appends a line to a file opened in append mode (one write per line, atomic on Linux), so that the
test counts what ran, where and when, without trusting the queue's own bookkeeping.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from sons.jobs.locks import AlreadyRunning, exclusive


def note(path: str, *words) -> None:
    with open(path, "a") as out:
        out.write(" ".join(str(w) for w in words) + "\n")


def lines(path: str) -> list[list[str]]:
    file = Path(path)
    return [line.split() for line in file.read_text().splitlines()] if file.exists() else []


@task()
def record(path: str, label: str, first_attempt_sleeps: float = 0) -> str:
    """Notes its start and end; sleeps on its first attempt only (so a retried job finishes quickly)."""
    first = not any(line[:2] == ["start", label] for line in lines(path))
    note(path, "start", label, os.getpid(), time.time())
    if first and first_attempt_sleeps:
        time.sleep(first_attempt_sleeps)
    note(path, "end", label, os.getpid(), time.time())
    return label


@task()
def alone(path: str, seconds: float) -> str:
    """Takes the periodic lock « probe »: notes when it held it, or that it found it taken. Only the first
    holder keeps it, until another run has found it taken or `seconds` at most (a retried run finishes
    quickly): a fixed sleep would let a worker slowed down by a loaded machine come after the release and
    take the lock in its turn. « held » carries the moment the run asked for the lock: a run that finds it
    taken may do so before the holder has written its line, never before it asked."""
    asked = time.time()
    try:
        with exclusive("probe"):
            first = not any(line[0] == "held" for line in lines(path))
            note(path, "held", os.getpid(), asked)
            deadline = time.monotonic() + (seconds if first else 0)
            while time.monotonic() < deadline and not any(line[0] == "skipped" for line in lines(path)):
                time.sleep(0.05)
            note(path, "released", os.getpid(), time.time())
    except AlreadyRunning:
        note(path, "skipped", os.getpid(), time.time())
        return "skipped"
    return "ran"


# Helpers run by the tests in a process of their own.


def enqueue_records(path: str, count: int, sleeps: float = 0) -> None:
    from django.db import transaction

    from sons.jobs import enqueue

    with transaction.atomic():
        for n in range(count):
            enqueue(record, path, f"job{n}", sleeps)


def enqueue_alone(path: str, count: int, seconds: float) -> None:
    from django.db import transaction

    from sons.jobs import enqueue

    with transaction.atomic():
        for _ in range(count):
            enqueue(alone, path, seconds)


def statuses() -> dict:
    from collections import Counter

    from django_tasks_db.models import DBTaskResult

    return dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))


def attempts() -> list[int]:
    from django_tasks_db.models import DBTaskResult

    return [len(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)]


def live_workers() -> int:
    from sons.jobs.beats import live_ids

    return live_ids().count()


def periodic_runs() -> dict:
    from sons.jobs.models import PeriodicJob

    return {row.name: row.last_outcome for row in PeriodicJob.objects.exclude(last_finished_at=None)}

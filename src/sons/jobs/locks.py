"""Two runs of the same periodic job never overlap.

The lock is the job's `PeriodicJob` row: one UPDATE … WHERE (free, or held by a holder whose beat is stale)
sets `running_by`; it is atomic on PostgreSQL and on SQLite alike, so of two runs started together exactly one
gets it. The other says so in one line and returns. A holder that died (its beat stale) does not keep the job
locked; the lock is released when the run ends, whatever its outcome.
"""

from __future__ import annotations

import contextlib
import logging

from django.db.models import Q
from django.utils import timezone

from . import worker
from .beats import Heartbeat, live_ids, new_worker_id
from .models import PeriodicJob

logger = logging.getLogger("sons.jobs")


class AlreadyRunning(Exception):
    def __init__(self, name: str, holder: str):
        super().__init__(
            f"« {name} » est déjà en cours ({holder}) : cette exécution s'arrête sans rien faire."
        )
        self.name, self.holder = name, holder


def acquire(name: str, holder: str) -> bool:
    now = timezone.now()
    PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
    taken = (
        PeriodicJob.objects.filter(name=name)
        .filter(Q(running_by="") | ~Q(running_by__in=live_ids()))
        .update(running_by=holder, running_since=now, last_started_at=now)
    )
    return taken == 1


def release(name: str, holder: str, outcome: str) -> None:
    PeriodicJob.objects.filter(name=name, running_by=holder).update(
        running_by="", running_since=None, last_finished_at=timezone.now(), last_outcome=outcome
    )


@contextlib.contextmanager
def exclusive(name: str):
    """`with exclusive("deadlines"):` the block runs alone; raises AlreadyRunning when another run holds it.
    Inside a worker the holder is the worker (its beat proves it alive); elsewhere (a command run by hand) the
    block gets a heartbeat of its own."""
    holder = worker.current_worker_id
    beat = contextlib.nullcontext() if holder else Heartbeat(holder := new_worker_id("lock"))
    with beat:
        if not acquire(name, holder):
            current = PeriodicJob.objects.filter(name=name).values_list("running_by", flat=True).first()
            raise AlreadyRunning(name, current or "?")
        outcome = "échec"
        try:
            yield
            outcome = "réussi"
        finally:
            release(name, holder, outcome)

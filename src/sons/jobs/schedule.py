"""The schedule, and the scheduler that enqueues each periodic job when it is due.

Several schedulers may run (one per machine): each entry's `PeriodicJob` row is moved to its next time with a
compare-and-swap UPDATE in the same transaction as the enqueue, so a due run is enqueued once whoever sees it.
Times of day are Paris time.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from . import enqueue, tasks
from .beats import Heartbeat, beat_seconds, new_worker_id
from .models import PeriodicJob
from .worker import requeue_orphans

logger = logging.getLogger("sons.jobs")


@dataclass(frozen=True)
class Entry:
    name: str
    task: object
    every: timedelta | None = None  # or…
    at: time | None = None  # … once a day at this Paris time
    label: str = ""

    def first_run(self, now: datetime) -> datetime:
        return now if self.every else self.next_after(now)

    def next_after(self, now: datetime) -> datetime:
        if self.every:
            return now + self.every
        local = timezone.localtime(now)
        due = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        if due <= local:
            due = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), self.at))
        return due

    @property
    def period(self) -> timedelta:
        return self.every or timedelta(days=1)


SCHEDULE = (
    Entry("dashboards", tasks.dashboards, every=timedelta(minutes=5), label="chiffres des tableaux de bord"),
    Entry("deadlines", tasks.deadlines, at=time(1, 0), label="échéances et recouvrements dus (Date 5)"),
    Entry(
        "purge", tasks.purge, at=time(3, 0), label="purges (sessions, clés d'idempotence, travaux, fichiers)"
    ),
    Entry("rpps", tasks.rpps, at=time(4, 0), label="actualisation de l'annuaire RPPS (SONS_RPPS_PATH)"),
    Entry(
        "reminders",
        tasks.reminders,
        at=time(6, 0),
        label="rappels d'échéances (D4, D5, D6, 120 jours, compléments)",
    ),
    Entry("digests", tasks.digests, at=time(7, 0), label="récapitulatifs quotidiens des notifications"),
)
ENTRIES = {entry.name: entry for entry in SCHEDULE}


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every entry that is due; the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for entry in SCHEDULE:
        row, _ = PeriodicJob.objects.get_or_create(
            name=entry.name, defaults={"next_run_at": entry.first_run(now)}
        )
        if row.next_run_at > now:
            continue
        with transaction.atomic():
            moved = PeriodicJob.objects.filter(name=entry.name, next_run_at=row.next_run_at).update(
                next_run_at=entry.next_after(now), last_enqueued_at=now
            )
            if moved:
                enqueue(entry.task)
                enqueued.append(entry.name)
    if enqueued:
        logger.info("Travaux périodiques mis en file : %s", ", ".join(enqueued))
    return enqueued


def run_scheduler(stop: threading.Event | None = None, interval: float | None = None) -> None:
    """Tick every `interval` seconds until SIGINT/SIGTERM (or `stop`)."""
    stop = stop or threading.Event()
    interval = interval or beat_seconds()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    logger.info("Planificateur démarré : %s", ", ".join(entry.name for entry in SCHEDULE))
    with Heartbeat(new_worker_id("scheduler"), on_beat=requeue_orphans):
        while not stop.is_set():
            try:
                tick()
            except Exception:  # a database restart must not stop the schedule
                logger.exception("Planificateur : tour en échec, nouvel essai au prochain tour")
            stop.wait(interval)
    logger.info("Planificateur arrêté")

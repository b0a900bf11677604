"""Heartbeats: a row per live worker (or lock holder), refreshed by a thread, deleted when it stops.

A beat older than SONS_JOBS_STALE_SECONDS means the process is gone (killed, machine lost): its running job is
put back in the queue and its periodic locks are free again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import WorkerBeat

logger = logging.getLogger("sons.jobs")


def beat_seconds() -> float:
    return settings.SONS_JOBS_BEAT_SECONDS


def stale_after() -> timedelta:
    return timedelta(seconds=settings.SONS_JOBS_STALE_SECONDS)


def new_worker_id(kind: str = "worker") -> str:
    return f"{kind}-{socket.gethostname()[:24]}-{os.getpid()}-{get_random_string(8)}"[:64]


def live_ids():
    """A queryset of the ids of the holders whose beat is fresh (usable as a subquery)."""
    return WorkerBeat.objects.filter(seen_at__gte=timezone.now() - stale_after()).values("worker_id")


class Heartbeat:
    """`with Heartbeat(worker_id):` the row exists and is refreshed until the block ends."""

    def __init__(self, worker_id: str, on_beat=None):
        self.worker_id = worker_id
        self.on_beat = on_beat  # called after each beat, in the beat's thread
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"beat-{worker_id}", daemon=True)

    def beat(self) -> None:
        now = timezone.now()
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"seen_at": now},
            create_defaults={
                "seen_at": now,
                "started_at": now,
                "host": socket.gethostname(),
                "pid": os.getpid(),
            },
        )

    def _run(self) -> None:
        try:
            while not self._stop.wait(beat_seconds()):
                try:
                    self.beat()
                    if self.on_beat is not None:
                        self.on_beat()
                except Exception:  # a busy database is no reason to stop beating
                    logger.warning("Battement ou entretien en échec pour %s", self.worker_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    def __enter__(self) -> Heartbeat:
        self.beat()
        if self.on_beat is not None:
            self.on_beat()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=beat_seconds() + 5)
        try:
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.warning("Battement non effacé pour %s", self.worker_id, exc_info=True)

"""Today's date, from one clock: the day in France (`timezone.localdate()`, TIME_ZONE Europe/Paris).

A run that acts for another day says so with `as_of` (the daily command caught up for a past day, the
demonstration built along its own dates); tests move time itself, with time-machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

_as_of: ContextVar[date | None] = ContextVar("sons_as_of", default=None)


def today() -> date:
    forced = _as_of.get()
    if forced is not None:
        return forced
    # The simulator's commands run without the platform's settings: the machine's date then.
    return timezone.localdate() if settings.configured else date.today()


def now() -> datetime:
    """The moment: now, or within `as_of`, this time of day on the day acted for (a history row of the
    demonstration is dated as its step's day, never after a later one)."""
    moment = timezone.now()
    forced = _as_of.get()
    if forced is None:
        return moment
    return timezone.localtime(moment).replace(year=forced.year, month=forced.month, day=forced.day)


@contextmanager
def as_of(day: date) -> Iterator[date]:
    """Within the block, `today()` is `day` (for this thread or task only)."""
    token = _as_of.set(day)
    try:
        yield day
    finally:
        _as_of.reset(token)

"""The change feed: an organisation's events in id order, from a cursor, for software that missed webhooks.

    GET /api/v1/events?after=evt_120&limit=100  →  {"events": [...], "next": "evt_220", "has_more": true}

Only the caller's organisation's events (never another's, nor those meant for instructors only). An event is
listed once it is SONS_FEED_SETTLE_SECONDS old: ids are taken when events are written, and on PostgreSQL a
transaction that took an id earlier may commit later than one that took a later id; the wait keeps a reader
from moving its cursor past an event that is not yet visible. `next` is the cursor to pass as `after` (the last
event's id, or `after` itself when nothing new is there).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from sons.errors import Forbidden, Invalid
from sons.notifications.models import Event

from .deliveries import INSTRUCTORS_ONLY, event_document

MAX_LIMIT = 500


def cursor_of(after: str, field: str = "after") -> int:
    text = (after or "").strip()
    number = text.removeprefix("evt_")
    if not text:
        return 0
    if not number.isdigit() or len(number) > 18:
        raise Invalid(
            f"{field} : identifiant d'événement attendu (« evt_123 » ou « 123 »), reçu « {text[:40]} ».",
            field,
        )
    return int(number)


def feed(principal, after: str = "", limit: int = 100) -> dict:
    if not principal.is_supplier or principal.organisation_id is None:
        raise Forbidden("Le flux des changements est celui d'une organisation de fournisseur.")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit : entre 1 et {MAX_LIMIT}.", "limit")
    start = cursor_of(after)
    settled = timezone.now() - timedelta(seconds=settings.SONS_FEED_SETTLE_SECONDS)
    events = list(
        Event.objects.filter(
            organisation_id=principal.organisation_id, pk__gt=start, occurred_at__lte=settled
        )
        .exclude(audience=INSTRUCTORS_ONLY)
        .order_by("pk")[: limit + 1]
    )
    more = len(events) > limit
    events = events[:limit]
    last = events[-1].pk if events else start
    return {"events": [event_document(e) for e in events], "next": f"evt_{last}", "has_more": more}

"""A person's notification centre: their notifications (a supplier's, of their organisation only), the unread
count shown in the header, marking read, and their choice of e-mails."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from sons.errors import Invalid

from .delivery import delivery_of
from .enums import Delivery
from .models import Notification, Preference


def of(principal):
    """The notifications `principal` may see: their own, and for a supplier's member only those of the events
    of their present organisation (one who changed organisation no longer sees the former one's)."""
    mine = Notification.objects.filter(recipient_id=principal.user.pk)
    if principal.is_supplier:
        mine = mine.filter(event__organisation_id=principal.organisation_id)
    return mine.select_related("event")


def unread_count(principal) -> int:
    return of(principal).filter(read_at__isnull=True).count()


def mark_read(principal, ids=None) -> int:
    """Mark read the notifications `ids` (all of them when None); another's ids are silently ignored."""
    unread = of(principal).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=timezone.now())


def mark_dossier_read(principal, dossier_id: int) -> int:
    """Opening a dossier reads its notifications."""
    unread = of(principal).filter(Q(read_at__isnull=True) & Q(event__dossier_id=dossier_id))
    return Notification.objects.filter(pk__in=unread.values("pk")).update(read_at=timezone.now())


def preference(user) -> str:
    return delivery_of(user)


def choose(user, delivery: str) -> str:
    if delivery not in Delivery.values:
        raise Invalid("Choix de courriel inconnu : choisissez « immédiat », « récapitulatif » ou « aucun ».",
                      "delivery")  # fmt: skip
    Preference.objects.update_or_create(user=user, defaults={"delivery": delivery})
    return delivery

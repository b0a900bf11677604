"""What the two doors (portal, API) do with subscriptions: list, make (the secret shown once), edit (address,
events, description: checked as at creation), rotate the secret (the new one shown once, the previous one still
signing during the overlap), disable, enable, delete, read the delivery log and replay a delivery; and, for the
operator, encrypt every secret again under a new key. Only a supplier's members see their organisation's
subscriptions (another organisation's is a 404); only its administrators, and its own systems' token, change
them. Every change is journaled (sons.audit), never with a secret."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from sons.audit.journal import record
from sons.errors import Conflict, Forbidden, Invalid, NotFound
from sons.jobs import enqueue
from sons.notifications.enums import AUDIENCE, Audience, EventKind

from . import safety, signing
from .deliveries import deliver
from .enums import DeliveryState
from .models import Delivery, Subscription

MAX_SUBSCRIPTIONS = 20
MAX_DESCRIPTION = 200


def supplier_kinds() -> list[tuple[str, str]]:
    """The event kinds a supplier may subscribe to (code, French label): all but the instructors' own."""
    return [(kind.value, kind.label) for kind in EventKind if AUDIENCE.get(kind) != Audience.INSTRUCTORS]


def _require_supplier(principal) -> None:
    if not principal.is_supplier or principal.organisation_id is None:
        raise Forbidden("Les webhooks sont ceux d'une organisation de fournisseur.")


def _require_manager(principal) -> None:
    _require_supplier(principal)
    if not (principal.is_organisation_admin or principal.member_role is None):
        raise Forbidden("Les webhooks de l'organisation sont gérés par ses administrateurs.")


def may_manage(principal) -> bool:
    try:
        _require_manager(principal)
    except Forbidden:
        return False
    return True


def subscriptions_of(principal):
    _require_supplier(principal)
    return Subscription.objects.of(principal.organisation_id)


def deliveries_of(principal, subscription: Subscription | None = None):
    _require_supplier(principal)
    deliveries = Delivery.objects.filter(subscription__organisation_id=principal.organisation_id)
    if subscription is not None:
        deliveries = deliveries.filter(subscription=subscription)
    return deliveries.select_related("event", "subscription").prefetch_related("attempt_log")


def clean_kinds(kinds, field: str = "kinds") -> list[str]:
    allowed = dict(supplier_kinds())
    if not isinstance(kinds, (list, tuple)) or not kinds:
        raise Invalid(f"{field} : choisissez au moins un événement.", field)
    cleaned = []
    for index, kind in enumerate(kinds):
        if kind not in allowed:
            raise Invalid(
                f"{field}[{index}] : événement inconnu « {str(kind)[:60]} » ; événements admis : {', '.join(allowed)}.",
                f"{field}[{index}]",
            )
        if kind not in cleaned:
            cleaned.append(kind)
    return cleaned


def clean_description(description: str, field: str = "description") -> str:
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(f"{field} : {MAX_DESCRIPTION} caractères au plus.", field)
    return description


def _check_room(principal) -> None:
    if Subscription.objects.of(principal.organisation_id).filter(active=True).count() >= MAX_SUBSCRIPTIONS:
        raise Conflict(
            f"Au plus {MAX_SUBSCRIPTIONS} abonnements actifs par organisation : désactivez-en d'abord un."
        )


def create_subscription(principal, url: str, kinds, description: str = "") -> tuple[Subscription, str]:
    """A new subscription and its secret, returned in clear this once."""
    _require_manager(principal)
    kinds = clean_kinds(kinds)
    description = clean_description(description)
    url = (url or "").strip()
    safety.check(url, "url")
    with transaction.atomic():
        _check_room(principal)
        secret = signing.new_secret()
        subscription = Subscription.objects.create(
            organisation_id=principal.organisation_id, url=url, kinds=kinds, description=description,
            secret=secret, created_by=principal.user,
        )  # fmt: skip
        record("webhook.created", actor=principal.label, target=subscription,
               payload={"url": url, "kinds": kinds, "organisation": principal.organisation_id})  # fmt: skip
    return subscription, secret


EDITABLE = ("url", "kinds", "description")


def update_subscription(
    principal,
    subscription: Subscription,
    *,
    url: str | None = None,
    kinds=None,
    description: str | None = None,
) -> Subscription:
    """The address, the events or the description changed (None: unchanged), each checked as at creation (the
    address resolved and checked again, even unchanged). Deliveries still pending go to the new address at their
    next attempt; a change of events applies to the events that happen after it. Journaled with what changed,
    from and to; nothing is written when nothing changes."""
    _require_manager(principal)
    wanted = {}
    if kinds is not None:
        wanted["kinds"] = clean_kinds(kinds)
    if description is not None:
        wanted["description"] = clean_description(description)
    if url is not None:
        wanted["url"] = url.strip()
        safety.check(wanted["url"], "url")
    with transaction.atomic():
        subscription = _locked(subscription)
        changed = [
            name for name in EDITABLE if name in wanted and wanted[name] != getattr(subscription, name)
        ]
        if changed:
            before = {name: getattr(subscription, name) for name in changed}
            for name in changed:
                setattr(subscription, name, wanted[name])
            subscription.save(update_fields=changed)
            record("webhook.updated", actor=principal.label, target=subscription,
                   payload={"from": before, "to": {name: wanted[name] for name in changed}})  # fmt: skip
    return subscription


def _locked(subscription: Subscription) -> Subscription:
    locked = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if locked is None:  # deleted meanwhile (a panel posted twice, two DELETE at once): a 404, not a 500
        raise NotFound("Abonnement introuvable : il a été supprimé.", "subscription_id")
    return locked


def disable(principal, subscription: Subscription, reason: str = "") -> Subscription:
    _require_manager(principal)
    with transaction.atomic():
        subscription = _locked(subscription)
        if subscription.active:
            subscription.active, subscription.disabled_at = False, timezone.now()
            subscription.disabled_reason = (
                clean_description(reason, "reason") or f"désactivé par {principal.label}"
            )
            subscription.save(update_fields=["active", "disabled_at", "disabled_reason"])
            record("webhook.disabled", actor=principal.label, target=subscription,
                   payload={"reason": subscription.disabled_reason})  # fmt: skip
    return subscription


def enable(principal, subscription: Subscription) -> Subscription:
    """Active again (its URL checked again); deliveries cancelled meanwhile stay so (replay them, or read the
    change feed)."""
    _require_manager(principal)
    safety.check(subscription.url, "url")
    with transaction.atomic():
        subscription = _locked(subscription)
        if not subscription.active:
            _check_room(principal)
            subscription.active, subscription.disabled_at, subscription.disabled_reason = True, None, ""
            subscription.save(update_fields=["active", "disabled_at", "disabled_reason"])
            record("webhook.enabled", actor=principal.label, target=subscription, payload={})
    return subscription


def secret_overlap() -> timedelta:
    return timedelta(seconds=max(0, int(settings.SONS_WEBHOOK_SECRET_OVERLAP)))


def rotate_secret(
    principal, subscription: Subscription, seen_hint: str | None = None
) -> tuple[Subscription, str]:
    """A new secret, returned in clear this once. The secret it replaces goes on signing the deliveries, beside
    the new one, for SONS_WEBHOOK_SECRET_OVERLAP seconds (24 h): a receiver still verifying with it accepts them
    meanwhile. At most two secrets sign at any time: a rotation during the overlap of the previous one ends that
    overlap (the secret before it signs no more). `seen_hint`: the hint of the secret the caller was shown (the
    portal's panel); if the secret was rotated since (the panel posted twice), nothing is done."""
    _require_manager(principal)
    with transaction.atomic():
        subscription = _locked(subscription)
        if seen_hint is not None and seen_hint != subscription.secret_hint:
            raise Conflict(
                "Secret de signature déjà renouvelé depuis l'affichage de cette page (le nouveau a été montré "
                "alors) : confirmez de nouveau pour le renouveler encore.",
                "secret",
            )
        now = timezone.now()
        ended = subscription.overlap_until(now)  # the secret before the previous one: it signs no more
        secret = signing.new_secret()
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_until = now + secret_overlap()
        subscription.secret = secret
        subscription.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        record("webhook.secret_rotated", actor=principal.label, target=subscription,
               payload={"previous_valid_until": subscription.previous_secret_until.isoformat(),
                        "earlier_overlap_ended": ended is not None})  # fmt: skip
    return subscription, secret


def delete(principal, subscription: Subscription) -> None:
    """The subscription deleted, with its delivery log: its pending deliveries go with it, so they are never
    attempted again (their queued jobs find nothing to do; only an attempt already under way may still arrive).
    The audit entry keeps what it was (address, events, description) and how many deliveries went with it; who
    and when are the entry's own."""
    _require_manager(principal)
    with transaction.atomic():
        # Its deliveries locked before the subscription, in the order an attempt being recorded takes them
        # (deliveries.record_attempt: the delivery, then its subscription), so that the two never deadlock.
        list(Delivery.objects.select_for_update().filter(subscription_id=subscription.pk).values_list("pk"))
        subscription = _locked(subscription)
        counts = subscription.deliveries.aggregate(
            deliveries=Count("id"), pending=Count("id", filter=Q(state=DeliveryState.PENDING))
        )
        target = (subscription._meta.label_lower, subscription.pk)
        payload = {
            "url": subscription.url, "kinds": subscription.kinds, "description": subscription.description,
            "organisation": subscription.organisation_id, "active": subscription.active,
            "created_at": subscription.created_at.isoformat(), "deliveries": counts["deliveries"],
            "pending_cancelled": counts["pending"],
        }  # fmt: skip
        subscription.delete()
        # Last: the audit chain's head stays locked until the commit, so it is not held during the cascade.
        record("webhook.deleted", actor=principal.label, target=target, payload=payload)


def replay(principal, delivery: Delivery) -> Delivery:
    """One more attempt, now (the same webhook-id: a receiver that has it already drops it)."""
    _require_manager(principal)
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .get(pk=delivery.pk)
        )
        if not delivery.subscription.active:
            raise Conflict("Abonnement désactivé : réactivez-le avant de relancer une livraison.")
        final = delivery.state != DeliveryState.PENDING
        delivery.state, delivery.next_attempt_at = DeliveryState.PENDING, timezone.now()
        delivery.save(update_fields=["state", "next_attempt_at"])
        enqueue(deliver, delivery.pk, delivery.attempts + 1, True, final)
        record("webhook.replayed", actor=principal.label, target=delivery.subscription,
               payload={"delivery": delivery.pk, "event": delivery.event_id})  # fmt: skip
    return delivery


def reencrypt_secrets() -> int:
    """Every subscription's secrets encrypted again under the first key (after a new key was put first); how many
    subscriptions. Row by row, each locked, so that a rotation of its secret meanwhile is never undone."""
    done = 0
    for pk in list(Subscription.objects.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().filter(pk=pk).first()
            if subscription is not None:  # deleted meanwhile
                # Read (decrypted) with whichever key encrypted it, written (encrypted) with the first.
                subscription.save(update_fields=["secret", "previous_secret"])
                done += 1
    return done

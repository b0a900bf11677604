"""Delivering events to subscriptions, through the queue (sons.jobs).

    record_events(...)  ──(same transaction)──▶ the notifications' fan-out job, committed with the change
    that job            ──▶ fan_out(events): one Delivery row per (event, active subscription of the event's
                            organisation wanting its kind), and its job deliver(id, 1), in one transaction
    deliver(id, n)      ──▶ attempt n: checks the URL's addresses, POSTs the signed body (10 s, 64 KB, no redirect;
                            signed by the secret, and by the previous one too in the overlap after a rotation)
                        ──▶ 2xx: delivered ; otherwise deliver(id, n + 1) after SONS_WEBHOOK_RETRY_DELAYS[n - 1]
                            (10 s, 1 min, 5 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h: 10 attempts over about 24 h),
                            then abandoned.

Every step is idempotent, so a worker killed anywhere only delays the delivery: the queue puts its job back
(sons.jobs.worker) and the job, which carries the number of the attempt it makes, does that attempt again
(the receiver may then get the same webhook-id twice and drops the second). A job whose attempt was already
made (a duplicate, or overtaken by a replay) does nothing, nor does one whose delivery went with its deleted
subscription. A change rolled back rolls back its event, its
fan-out job: nothing is delivered. The deliveries are made by that job, off the request path (a step
writes its event and one job, nothing more: bench/bench_request_path.py). Deliveries go only to the subscriptions of the event's
own organisation.

A subscription whose delivery is abandoned (24 h of failures) with no success since that delivery began is
disabled, and its organisation's administrators are told (audit entry, e-mail through the queue).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from sons.audit.journal import record
from sons.jobs import enqueue
from sons.notifications.models import Event
from sons.suppliers.emails import absolute, deliver_text
from sons.suppliers.enums import MemberRole
from sons.suppliers.models import Membership

from . import safety, sending, signing
from .enums import AttemptKind, DeliveryState
from .models import Attempt, Delivery, Subscription

logger = logging.getLogger("sons.webhooks")
INSTRUCTORS_ONLY = "instructors"  # sons.notifications.enums.Audience.INSTRUCTORS: never sent to suppliers


def event_document(event: Event) -> dict:
    """What a webhook's body and the change feed say of an event (the Standard Webhooks shape)."""
    return {
        "id": event.public_id,
        "type": event.kind,
        "timestamp": event.occurred_at.isoformat(),
        "dossier_id": event.dossier_id,
        "data": event.payload,
    }


def body_of(event: Event) -> bytes:
    return json.dumps(
        event_document(event), cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def retry_delays() -> list[float]:
    return list(settings.SONS_WEBHOOK_RETRY_DELAYS)


def max_attempts() -> int:
    return len(retry_delays()) + 1


# --- Fan-out -------------------------------------------------------------------------------------------------


def fan_out(events: list[Event]) -> int:
    """Called by the notifications' fan-out job (sons.notifications.hooks.on_events), in a transaction: a
    Delivery row per (event, active subscription of the event's own organisation wanting its kind) that does not
    exist yet, and its first job; how many. Run again (the job after a killed worker), it makes none twice. One
    query when nobody subscribes."""
    told = [e for e in events if e.organisation_id is not None and e.audience != INSTRUCTORS_ONLY]
    if not told:
        return 0
    subscriptions: dict[int, list[tuple[int, list]]] = {}
    # Locked (FOR NO KEY UPDATE, PostgreSQL) until the deliveries commit: a subscription deleted meanwhile
    # (services.delete) waits for them and takes them along, rather than failing this job on their foreign key.
    for pk, organisation_id, kinds in (
        Subscription.objects.select_for_update(no_key=True)
        .filter(active=True, organisation_id__in={e.organisation_id for e in told})
        .values_list("id", "organisation_id", "kinds")
    ):
        subscriptions.setdefault(organisation_id, []).append((pk, kinds))
    if not subscriptions:
        return 0
    now = timezone.now()
    made_before = set(
        Delivery.objects.filter(event_id__in=[e.pk for e in told]).values_list("event_id", "subscription_id")
    )
    made = Delivery.objects.bulk_create(
        [
            Delivery(event_id=event.pk, subscription_id=pk, next_attempt_at=now)
            for event in told
            for pk, kinds in subscriptions.get(event.organisation_id, ())
            if event.kind in kinds and (event.pk, pk) not in made_before
        ]
    )
    for delivery in made:
        enqueue(deliver, delivery.pk, 1)
    return len(made)


# --- One attempt ---------------------------------------------------------------------------------------------


def attempt_now(delivery: Delivery) -> sending.Outcome:
    subscription, event = delivery.subscription, delivery.event
    try:
        target = safety.check(subscription.url)  # again now: the name may resolve elsewhere (DNS rebinding)
    except safety.UnsafeTarget as refused:
        return sending.Outcome(False, None, AttemptKind.REFUSED_ADDRESS, refused.message[:300], 0, "")
    body = body_of(event)
    now = timezone.now()
    headers = signing.headers(subscription.signing_secrets(now), event.public_id, int(now.timestamp()), body)
    return sending.post(target, headers, body)


# Its own queue: workers may be given to it (`sons worker --queues webhooks`). Ahead of the other jobs
# (priority): a worker that serves every queue takes a waiting delivery before the next fan-out job, whose
# e-mails may keep it busy for half a minute (500 events), so that webhooks never wait behind a burst of e-mails.
@task(queue_name="webhooks", priority=10)
def deliver(delivery_id: int, number: int, replay: bool = False, final: bool = False) -> str:
    """Attempt `number` of the delivery (a job made for an attempt already made does nothing). `replay`: asked
    by the owner (marked so in the log); `final`: no retry after it (the replay of a finished delivery)."""
    delivery = Delivery.objects.select_related("subscription", "event").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING or delivery.attempts >= number:
        return "rien à faire"
    if not delivery.subscription.active:
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(
            state=DeliveryState.CANCELLED, next_attempt_at=None
        )
        return "abonnement désactivé"
    outcome = attempt_now(delivery)  # outside any transaction: up to 10 s on the network
    return record_attempt(delivery.pk, number, outcome, replay, final)


def record_attempt(delivery_id: int, number: int, outcome: sending.Outcome, replay: bool, final: bool) -> str:
    now = timezone.now()
    disable = None
    with transaction.atomic():
        # The delivery's row only (not its subscription's, which every worker's delivery would then queue on).
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "abonnement supprimé pendant l'essai"  # its log went with it: nothing to record
        Attempt.objects.create(
            delivery=delivery, number=number, at=now, kind=outcome.kind, status=outcome.status,
            error=outcome.error[:300], duration_ms=outcome.duration_ms, answer=outcome.answer[:500], replay=replay,
        )  # fmt: skip
        if delivery.attempts >= number or delivery.state != DeliveryState.PENDING:
            return "essai déjà fait par un autre travail"  # a duplicate ran alongside: logged, nothing else
        delivery.attempts = number
        subscription = delivery.subscription
        if outcome.ok:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryState.DELIVERED,
                now,
                None,
            )
            delivery.last_error = ""
            # At most once a minute: every worker's success would otherwise queue on this one row.
            Subscription.objects.filter(pk=subscription.pk).filter(
                Q(last_success_at__isnull=True) | Q(last_success_at__lt=now - timedelta(seconds=60))
            ).update(last_success_at=now)
            result = "livrée"
        elif number < max_attempts() and not final:
            delivery.next_attempt_at = now + timedelta(seconds=retry_delays()[number - 1])
            delivery.last_error = outcome.error[:300]
            enqueue(deliver.using(run_after=delivery.next_attempt_at), delivery.pk, number + 1)
            result = f"échec, nouvel essai le {delivery.next_attempt_at.isoformat()}"
        else:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            delivery.last_error = outcome.error[:300]
            result = "abandonnée"
            if not replay and (
                subscription.last_success_at is None or subscription.last_success_at < delivery.created_at
            ):
                disable = subscription
        delivery.save(update_fields=["state", "attempts", "delivered_at", "next_attempt_at", "last_error"])
        if disable is not None and disable.active:
            disable_for_failures(disable, delivery)
    return result


DELIVERIES_KEPT_DAYS = 90


def maintain_deliveries(out) -> None:
    """Nightly (the `purge` job): deliveries finished more than DELIVERIES_KEPT_DAYS ago are deleted (their
    events stay in the change feed), the previous secrets whose overlap has ended are forgotten (they sign
    nothing any more), and a pending delivery left without a job (its job abandoned after three workers lost in
    it, sons.jobs.worker) gets its next attempt queued again."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    old, _ = (
        Delivery.objects.exclude(state=DeliveryState.PENDING)
        .filter(created_at__lt=now - timedelta(days=DELIVERIES_KEPT_DAYS))
        .delete()
    )
    forgotten = Subscription.objects.filter(previous_secret_until__lte=now).update(
        previous_secret="", previous_secret_until=None
    )
    queued = {
        args_kwargs["args"][0]
        for args_kwargs in DBTaskResult.objects.filter(
            task_path=deliver.module_path, status__in=("READY", "RUNNING")
        ).values_list("args_kwargs", flat=True)
    }
    resumed = 0
    for pk, attempts in Delivery.objects.filter(
        state=DeliveryState.PENDING, next_attempt_at__lt=now - timedelta(hours=1)
    ).values_list("pk", "attempts"):
        if pk not in queued:
            with transaction.atomic():
                enqueue(deliver, pk, attempts + 1)
            resumed += 1
    out.write(f"{old} ligne(s) de livraisons webhook de plus de {DELIVERIES_KEPT_DAYS} jours supprimée(s), "
              f"{forgotten} secret(s) webhook précédent(s) échu(s) effacé(s), "
              f"{resumed} livraison(s) sans travail remise(s) en file.\n")  # fmt: skip


def disable_for_failures(subscription: Subscription, delivery: Delivery) -> None:
    """In the transaction of the abandoned delivery: the subscription is disabled, the organisation's
    administrators are e-mailed (through the queue), the audit journal says why."""
    now = timezone.now()
    reason = (f"désactivé automatiquement le {timezone.localtime(now):%d/%m/%Y à %H:%M} : aucune livraison réussie "
              f"depuis le {timezone.localtime(delivery.created_at):%d/%m/%Y à %H:%M} ({delivery.last_error})")[:300]  # fmt: skip
    Subscription.objects.filter(pk=subscription.pk).update(
        active=False, disabled_at=now, disabled_reason=reason
    )
    record(
        "webhook.disabled",
        actor="système",
        target=subscription,
        payload={"reason": reason, "delivery": delivery.pk},
    )
    emails = (
        Membership.objects.filter(organisation_id=subscription.organisation_id, member_role=MemberRole.ADMINISTRATOR,
                                  user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True)
    )  # fmt: skip
    body = (
        "Bonjour,\n\n"
        f"L'abonnement webhook de votre organisation vers {subscription.url} a été désactivé : "
        f"les livraisons échouent depuis plus de 24 heures (dernière erreur : {delivery.last_error or 'inconnue'}).\n\n"
        "Les événements restent consultables par le flux des changements (GET /api/events?after=…).\n"
        f"Corrigez le point de réception puis réactivez l'abonnement : {absolute(reverse('portal:supplier_webhooks'))}\n\n"
        "— SONS, dispositif Ségur numérique SFP-LGC-Va2\n"
    )
    for email in sorted(set(emails)):
        deliver_text(email, "SONS : abonnement webhook désactivé après 24 heures d'échecs", body)
    logger.warning("Abonnement webhook %s désactivé : %s", subscription.pk, reason)

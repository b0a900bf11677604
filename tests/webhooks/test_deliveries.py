"""Deliveries to a real HTTP receiver on 127.0.0.1: signed by the Standard Webhooks convention (verified by the
`standardwebhooks` library), retried with backoff until a 2xx answer, exactly once more after three failures,
never for a rolled-back change nor to another organisation; a subscription failing for 24 h is disabled and its
administrators told; the owner replays a delivery."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sons.audit.models import AuditEntry
from sons.notifications.enums import EventKind
from sons.notifications.events import record_event
from sons.webhooks import deliveries, services
from sons.webhooks.enums import AttemptKind, DeliveryState
from sons.webhooks.models import Attempt, Delivery, Subscription
from tests.db_factories import OrganisationFactory, supplier_token
from tests.queue import run_pending

from .conftest import happen, subscribe
from .receiver import Receiver

pytestmark = pytest.mark.django_db
NO_WAIT = [0] * 9  # the retries without their delays (the schedule itself is tested apart)


def test_a_delivery_is_signed_so_that_standardwebhooks_verifies_it(organisation, receiver):
    subscription, secret = subscribe(organisation, receiver.url)
    assert secret.startswith("whsec_") and subscription.secret == secret
    event = happen(organisation, amount="270.00")
    assert run_pending() >= 1
    (got,) = receiver.wait_for(1)
    document = Webhook(secret).verify(got.body, got.headers)
    assert document == {"id": f"evt_{event.pk}", "type": "request.validated", "timestamp": event.occurred_at.isoformat(),
                        "dossier_id": None, "data": {"amount": "270.00"}}  # fmt: skip
    assert got.headers["webhook-id"] == f"evt_{event.pk}"
    assert got.headers["webhook-signature"].startswith("v1,")
    assert abs(int(got.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert got.headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):  # another secret does not verify it
        Webhook(services.signing.new_secret()).verify(got.body, got.headers)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 1)
    (attempt,) = Attempt.objects.all()
    assert (attempt.kind, attempt.status, attempt.number) == (AttemptKind.OK, 200, 1)


def test_only_the_kinds_subscribed_are_delivered(organisation, receiver):
    subscribe(organisation, receiver.url, kinds=[EventKind.PAYMENT_SENT])
    happen(organisation, EventKind.VALIDATED)
    paid = happen(organisation, EventKind.PAYMENT_SENT, amount="108.00")
    run_pending()
    assert [r.headers["webhook-id"] for r in receiver.requests] == [paid.public_id]


def test_a_receiver_failing_three_times_then_answering_gets_the_event_exactly_once_more(
    organisation, settings
):
    settings.SONS_WEBHOOK_RETRY_DELAYS = NO_WAIT
    with Receiver([500, 503, 404, 200]) as receiver:
        _, secret = subscribe(organisation, receiver.url)
        event = happen(organisation)
        for _ in range(3):
            run_pending()
        assert len(receiver.requests) == 4
        assert {r.headers["webhook-id"] for r in receiver.requests} == {event.public_id}
        for got in receiver.requests:
            Webhook(secret).verify(got.body, got.headers)
        run_pending()
        assert len(receiver.requests) == 4  # and no more
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 4)
    assert list(delivery.attempt_log.values_list("status", flat=True)) == [500, 503, 404, 200]
    assert DBTaskResult.objects.ready().count() == 0


def test_the_retries_back_off_over_24_hours(organisation):
    delays = deliveries.retry_delays()
    assert delays == sorted(delays) and 23 * 3600 <= sum(delays) <= 25 * 3600 and delays[0] <= 60
    with Receiver([500]) as receiver:
        subscribe(organisation, receiver.url)
        happen(organisation)
        before = timezone.now()
        run_pending()
        assert len(receiver.requests) == 1
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.last_error == "réponse HTTP 500"
    assert (
        before + timedelta(seconds=delays[0] - 1)
        <= delivery.next_attempt_at
        <= timezone.now() + timedelta(seconds=delays[0])
    )
    retry = DBTaskResult.objects.get(status="READY", task_path="sons.webhooks.deliveries.deliver")
    assert retry.run_after == delivery.next_attempt_at and retry.args_kwargs["args"] == [delivery.pk, 2]


def test_a_rolled_back_change_delivers_nothing(organisation, receiver):
    subscribe(organisation, receiver.url)

    def change_that_fails():
        with transaction.atomic():
            record_event(EventKind.VALIDATED, organisation=organisation, payload={})
            raise RuntimeError("le changement échoue après l'événement")

    with pytest.raises(RuntimeError):
        change_that_fails()
    run_pending()
    assert Delivery.objects.count() == 0 and receiver.requests == []


def test_an_organisation_never_receives_anothers_events(organisation):
    other = OrganisationFactory()
    with Receiver() as mine, Receiver() as theirs:
        subscribe(organisation, mine.url)
        subscribe(other, theirs.url)
        ours = happen(organisation)
        run_pending()
        assert [r.headers["webhook-id"] for r in mine.requests] == [ours.public_id]
        assert theirs.requests == []
    assert Delivery.objects.get().subscription.organisation == organisation


def test_instructors_only_events_and_staff_events_are_not_delivered(organisation, receiver):
    subscribe(organisation, receiver.url, kinds=[EventKind.VALIDATED])
    with transaction.atomic():
        record_event(EventKind.VALIDATED, organisation=None, payload={})
        record_event(EventKind.VALIDATED, organisation=organisation, payload={}, audience="instructors")
    run_pending()
    assert receiver.requests == [] and Delivery.objects.count() == 0


def test_a_disabled_subscription_gets_nothing_more(organisation, receiver):
    subscription, _ = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    happen(organisation)  # pending when the subscription is disabled: cancelled
    run_pending(queues="default")  # its fan-out made the delivery; its attempt has not run yet
    services.disable(principal, subscription)
    happen(organisation)  # after: no delivery at all
    run_pending()
    assert receiver.requests == []
    assert list(Delivery.objects.values_list("state", flat=True)) == [DeliveryState.CANCELLED]


def test_a_subscription_failing_for_24_hours_is_disabled_and_its_administrators_told(
    organisation, settings, smtp_inbox
):
    from django.contrib.auth import get_user_model

    from sons.suppliers.enums import MemberRole, Role
    from sons.suppliers.models import Membership

    admin = get_user_model().objects.create_user("admin-org", email="admin@editeur.fr", password="x")
    Membership.objects.create(user=admin, role=Role.SUPPLIER_MEMBER, organisation=organisation,
                              member_role=MemberRole.ADMINISTRATOR)  # fmt: skip
    settings.SONS_WEBHOOK_RETRY_DELAYS = [0, 0]
    with Receiver(then=500) as receiver:
        subscription, _ = subscribe(organisation, receiver.url)
        happen(organisation)
        for _ in range(4):
            run_pending()
        assert len(receiver.requests) == 3  # every attempt of the schedule, then no more
        happen(organisation)
        run_pending()
        assert len(receiver.requests) == 3
    subscription.refresh_from_db()
    assert not subscription.active and "aucune livraison réussie" in subscription.disabled_reason
    assert Delivery.objects.get().state == DeliveryState.FAILED
    assert AuditEntry.objects.filter(action="webhook.disabled", actor="système").count() == 1
    (mail,) = [m for m in smtp_inbox.to("admin@editeur.fr") if "webhook" in m["Subject"]]
    assert "désactivé" in mail["Subject"] and receiver.url in smtp_inbox.body(mail)


def test_the_owner_replays_a_delivery_with_the_same_webhook_id(organisation, receiver):
    _, secret = subscribe(organisation, receiver.url)
    event = happen(organisation)
    run_pending()
    principal, _ = supplier_token(organisation)
    services.replay(principal, Delivery.objects.get())
    run_pending()
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event.public_id
    Webhook(secret).verify(second.body, second.headers)
    assert list(Attempt.objects.values_list("number", "replay")) == [(1, False), (2, True)]
    assert Delivery.objects.get().state == DeliveryState.DELIVERED
    assert AuditEntry.objects.filter(action="webhook.replayed").count() == 1


def test_a_replay_of_an_abandoned_delivery_is_one_attempt(organisation, settings):
    settings.SONS_WEBHOOK_RETRY_DELAYS = [0]
    with Receiver([500, 500, 500]) as receiver:
        subscription, _ = subscribe(organisation, receiver.url)
        happen(organisation)
        run_pending()
        run_pending()
        Subscription.objects.filter(pk=subscription.pk).update(active=True)  # re-enabled by hand
        principal, _ = supplier_token(organisation)
        services.replay(principal, Delivery.objects.get())
        run_pending()
        assert len(receiver.requests) == 3
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 3)


def test_the_nightly_purge_requeues_a_delivery_left_without_job_and_drops_old_ones(organisation, receiver):
    import io

    from sons.jobs.tasks import purge_old_rows

    subscribe(organisation, receiver.url)
    happen(organisation)
    happen(organisation)
    run_pending(queues="default")  # the fan-outs: the deliveries and their jobs
    stuck, old = Delivery.objects.order_by("pk")
    DBTaskResult.objects.all().delete()  # the job of `stuck` lost (abandoned after three workers lost in it)
    Delivery.objects.filter(pk=stuck.pk).update(next_attempt_at=timezone.now() - timedelta(hours=2))
    Delivery.objects.filter(pk=old.pk).update(state=DeliveryState.DELIVERED,
                                              created_at=timezone.now() - timedelta(days=91))  # fmt: skip
    out = io.StringIO()
    purge_old_rows(out)
    assert (
        "1 ligne(s) de livraisons webhook" in out.getvalue()
        and "1 livraison(s) sans travail" in out.getvalue()
    )
    run_pending()
    assert list(Delivery.objects.values_list("pk", "state")) == [(stuck.pk, DeliveryState.DELIVERED)]
    assert len(receiver.requests) == 1
    purge_old_rows(io.StringIO())  # delivered now: nothing more to resume
    assert DBTaskResult.objects.filter(status="READY").count() == 0

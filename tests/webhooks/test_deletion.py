"""Deleting a subscription (the doors: test_doors_rotation_and_deletion.py): its delivery log goes with it, its
pending deliveries are never attempted, an attempt under way fails no job, a fan-out under way is waited for;
the audit journal keeps what the subscription was, who deleted it and when."""

import json
import threading
import time

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from sons.audit.models import AuditEntry
from sons.notifications.models import Event
from sons.webhooks import deliveries, services
from sons.webhooks.enums import DeliveryState
from sons.webhooks.models import Attempt, Delivery, Subscription
from tests.concurrency import run_together
from tests.db_factories import supplier_token
from tests.queue import run_pending

from .conftest import happen, subscribe

pytestmark = pytest.mark.django_db


def test_a_deleted_subscription_takes_its_log_along_and_its_pending_deliveries_are_never_attempted(
    organisation, receiver
):
    subscription, secret = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    happen(organisation)
    run_pending()  # delivered, with its attempt
    pending = happen(organisation)
    run_pending(queues="default")  # its fan-out made the delivery; its attempt has not run yet
    assert Delivery.objects.filter(state=DeliveryState.PENDING, event=pending).exists()
    pk, url = subscription.pk, subscription.url

    services.delete(principal, subscription)
    assert (Subscription.objects.count(), Delivery.objects.count(), Attempt.objects.count()) == (0, 0, 0)
    run_pending()  # the pending delivery's job finds nothing to do
    happen(organisation)  # and a later event delivers nothing
    run_pending()
    assert len(receiver.requests) == 1
    assert DBTaskResult.objects.ready().count() == 0 and not DBTaskResult.objects.failed().exists()
    assert Event.objects.filter(organisation=organisation).count() == 3  # the change feed keeps the events
    (entry,) = AuditEntry.objects.filter(action="webhook.deleted")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        principal.label,
        "webhooks.subscription",
        str(pk),
    )
    assert entry.payload["url"] == url and entry.payload["kinds"] == ["request.validated"]
    assert (
        entry.payload["description"] == "logiciel de test"
        and entry.payload["organisation"] == organisation.pk
    )
    assert (entry.payload["deliveries"], entry.payload["pending_cancelled"]) == (2, 1)
    assert secret.removeprefix("whsec_")[:12] not in json.dumps(entry.payload)


def test_an_attempt_under_way_when_its_subscription_is_deleted_records_nothing_and_fails_no_job(
    organisation, receiver, monkeypatch
):
    subscription, _ = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    attempt_now = deliveries.attempt_now

    def deleted_during_the_attempt(delivery):
        outcome = attempt_now(delivery)
        services.delete(principal, subscription)
        return outcome

    monkeypatch.setattr(deliveries, "attempt_now", deleted_during_the_attempt)
    happen(organisation)
    run_pending()
    assert len(receiver.requests) == 1  # the attempt on the wire arrived
    assert Delivery.objects.count() == 0 and Attempt.objects.count() == 0
    assert not DBTaskResult.objects.failed().exists()


def test_a_disabled_subscription_may_be_deleted_and_frees_nothing_else(organisation, receiver):
    mine, _ = subscribe(organisation, receiver.url)
    kept, _ = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    services.disable(principal, mine)
    services.delete(principal, mine)
    assert list(Subscription.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_a_subscription_deleted_during_a_fan_out_takes_the_new_deliveries_along(organisation):
    """PostgreSQL: the fan-out has made a delivery, not committed yet, when the deletion comes; the deletion
    waits for it and deletes it too, and the fan-out job does not fail on the delivery's foreign key."""
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    subscription, _ = subscribe(organisation, "https://93.184.215.14/hook")
    principal, _ = supplier_token(organisation)
    event = happen(organisation)
    fanned = threading.Event()

    def fan_out():
        with transaction.atomic():
            made = deliveries.fan_out([Event.objects.get(pk=event.pk)])
            fanned.set()
            time.sleep(1)  # still uncommitted while the deletion runs
        return made

    def delete():
        assert fanned.wait(30)
        services.delete(principal, subscription)
        return "supprimé"

    outcomes = run_together(lambda work: work(), [fan_out, delete])
    assert sorted(outcomes, key=str) == [1, "supprimé"], outcomes
    assert (Subscription.objects.count(), Delivery.objects.count()) == (0, 0)
    assert AuditEntry.objects.get(action="webhook.deleted").payload["deliveries"] == 1


def test_a_subscription_deleted_twice_is_a_not_found_the_second_time(organisation, receiver):
    from sons.errors import NotFound

    subscription, _ = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    services.delete(principal, subscription)
    with pytest.raises(NotFound) as refused:  # the panel posted twice, or two DELETE at once: not a 500
        services.delete(principal, subscription)
    assert refused.value.field == "subscription_id"
    assert AuditEntry.objects.filter(action="webhook.deleted").count() == 1

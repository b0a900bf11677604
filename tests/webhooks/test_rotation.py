"""Rotating a subscription's secret (the doors: test_doors_rotation_and_deletion.py). During the overlap after a
rotation a delivery carries two signatures, so that the `standardwebhooks` library verifies it with the old
secret and with the new one; after the overlap, with the new one only. At most two secrets sign at any time; the
audit journal and the logs never hold a secret; the nightly purge forgets a previous secret whose overlap is
over."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sons.audit.models import AuditEntry
from sons.errors import Conflict
from sons.jobs.tasks import purge_old_rows
from sons.webhooks import services
from sons.webhooks.models import Delivery, Subscription
from tests.db_factories import supplier_token
from tests.queue import run_pending

from .conftest import happen, subscribe

pytestmark = pytest.mark.django_db
DAY = 86400


def verifies(secret: str, got) -> bool:
    try:
        Webhook(secret).verify(got.body, got.headers)
    except WebhookVerificationError:
        return False
    return True


def test_during_the_overlap_both_secrets_verify_a_delivery_and_after_it_the_new_one_only(
    organisation, receiver, time_machine, settings
):
    assert settings.SONS_WEBHOOK_SECRET_OVERLAP == DAY  # the default: a day to take the new secret
    time_machine.move_to(timezone.now(), tick=False)
    subscription, old = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    rotated, new = services.rotate_secret(principal, subscription)
    assert new.startswith("whsec_") and new != old and rotated.secret == new
    assert rotated.previous_secret == old and rotated.previous_secret_until == timezone.now() + timedelta(
        days=1
    )

    during = happen(organisation)
    run_pending()
    (got,) = receiver.wait_for(1)
    assert len(got.headers["webhook-signature"].split(" ")) == 2  # v1,<with the new> v1,<with the old>
    assert got.headers["webhook-signature"].split(" ")[0].startswith("v1,")
    assert Webhook(old).verify(got.body, got.headers)["id"] == during.public_id
    assert Webhook(new).verify(got.body, got.headers)["id"] == during.public_id

    time_machine.shift(DAY - 1)  # the last second of the overlap: both still
    happen(organisation)
    run_pending()
    last = receiver.wait_for(2)[1]
    assert verifies(old, last) and verifies(new, last)

    time_machine.shift(1)  # the overlap is over: the new secret only
    after = happen(organisation)
    run_pending()
    got = receiver.wait_for(3)[2]
    assert got.headers["webhook-id"] == after.public_id and " " not in got.headers["webhook-signature"]
    assert verifies(new, got) and not verifies(old, got)

    # A delivery made during the overlap and attempted again after it is signed as of its attempt: new only.
    services.replay(principal, Delivery.objects.get(event=during))
    run_pending()
    again = receiver.wait_for(4)[3]
    assert again.headers["webhook-id"] == during.public_id
    assert verifies(new, again) and not verifies(old, again)


def test_the_overlap_is_a_setting_and_zero_ends_the_old_secret_at_once(organisation, receiver, settings):
    settings.SONS_WEBHOOK_SECRET_OVERLAP = 3600
    subscription, old = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    before = timezone.now()
    subscription, _ = services.rotate_secret(principal, subscription)
    assert (
        before + timedelta(hours=1)
        <= subscription.previous_secret_until
        <= timezone.now() + timedelta(hours=1)
    )
    settings.SONS_WEBHOOK_SECRET_OVERLAP = 0
    subscription, new = services.rotate_secret(principal, subscription)
    assert subscription.signing_secrets() == [new]
    happen(organisation)
    run_pending()
    (got,) = receiver.wait_for(1)
    assert verifies(new, got) and not verifies(old, got)


def test_a_rotation_during_the_overlap_ends_the_secret_before_so_two_at_most_sign(organisation, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscription, first = subscribe(organisation, "https://93.184.215.14/hook")
    principal, _ = supplier_token(organisation)
    subscription, second = services.rotate_secret(principal, subscription)
    time_machine.shift(3600)
    subscription, third = services.rotate_secret(principal, subscription)
    assert subscription.signing_secrets() == [third, second] and first not in subscription.signing_secrets()
    assert subscription.previous_secret_until == timezone.now() + timedelta(
        days=1
    )  # a full overlap for `second`
    payloads = list(
        AuditEntry.objects.filter(action="webhook.secret_rotated").values_list("payload", flat=True)
    )
    assert [p["earlier_overlap_ended"] for p in payloads] == [False, True]


def test_a_rotation_confirmed_twice_from_the_same_page_rotates_once(organisation):
    subscription, _ = subscribe(organisation, "https://93.184.215.14/hook")
    principal, _ = supplier_token(organisation)
    seen = subscription.secret_hint
    subscription, new = services.rotate_secret(principal, subscription, seen_hint=seen)
    with pytest.raises(Conflict) as refused:
        services.rotate_secret(principal, subscription, seen_hint=seen)  # the panel posted again
    assert refused.value.field == "secret" and "déjà renouvelé" in refused.value.message
    subscription.refresh_from_db()
    assert subscription.secret == new
    assert AuditEntry.objects.filter(action="webhook.secret_rotated").count() == 1


def test_the_audit_journal_and_the_logs_never_hold_a_secret(organisation, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    subscription, old = subscribe(organisation, receiver.url)
    principal, _ = supplier_token(organisation)
    subscription, new = services.rotate_secret(principal, subscription)
    happen(organisation)
    run_pending()
    (rotated,) = AuditEntry.objects.filter(action="webhook.secret_rotated")
    assert (rotated.actor, rotated.target_id) == (principal.label, str(subscription.pk))
    assert set(rotated.payload) == {"previous_valid_until", "earlier_overlap_ended"}
    journal = json.dumps(list(AuditEntry.objects.values_list("payload", flat=True)))
    for secret in (old, new):
        key = secret.removeprefix("whsec_")
        assert key[:12] not in journal and key[:12] not in caplog.text


def test_the_nightly_purge_forgets_a_previous_secret_once_its_overlap_is_over(organisation, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscription, _ = subscribe(organisation, "https://93.184.215.14/hook")
    principal, _ = supplier_token(organisation)
    services.rotate_secret(principal, subscription)
    out = io.StringIO()
    purge_old_rows(out)
    assert "0 secret(s) webhook précédent(s) échu(s) effacé(s)" in out.getvalue()
    assert Subscription.objects.get().previous_secret
    time_machine.shift(DAY)
    out = io.StringIO()
    purge_old_rows(out)
    assert "1 secret(s) webhook précédent(s) échu(s) effacé(s)" in out.getvalue()
    assert Subscription.objects.filter(previous_secret="", previous_secret_until=None).count() == 1


def test_a_previous_secret_goes_with_the_end_of_its_validity_in_the_database(organisation):
    subscription, _ = subscribe(organisation, "https://93.184.215.14/hook")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(previous_secret="whsec_AAAA")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(previous_secret_until=timezone.now())

"""A webhook's signing secret is in clear nowhere in the database (the portal's session keeps it encrypted until
the page shows it). An answer carrying it is replayed under its Idempotency-Key only to the caller who got it:
the same token gets the same secret again, another token of the organisation — even an administrator's — gets
422 `idempotency_reused` and no secret."""

import pytest
from django.db import connection

from sons.api.models import IdempotencyRecord
from sons.suppliers.enums import MemberRole
from sons.webhooks.models import Subscription
from tests.db_factories import supplier_token
from tests.worlds import Api

from .conftest import subscribe
from .test_api_and_portal import member_token

pytestmark = pytest.mark.django_db
HOOK = "https://93.184.215.14/hook"


def test_a_secret_is_replayed_to_its_caller_only(organisation):
    subscription, _ = subscribe(organisation, HOOK)
    first_caller = Api(supplier_token(organisation)[1])
    other_admin = Api(member_token(organisation, MemberRole.ADMINISTRATOR))
    path = f"/webhooks/{subscription.pk}/rotate-secret"
    first = first_caller.post(path, key="rotation-du-1er")
    assert first.status_code == 200 and "no-store" in first["Cache-Control"]
    again = first_caller.post(path, key="rotation-du-1er")
    assert again["Idempotent-Replayed"] == "true" and again.json()["secret"] == first.json()["secret"]
    stolen = other_admin.post(path, key="rotation-du-1er")
    assert stolen.status_code == 422 and "secret" not in stolen.json()
    assert stolen.json()["code"] == "idempotency_reused" and stolen.json()["field"] == "Idempotency-Key"
    assert "autre membre" in stolen.json()["message"]
    subscription.refresh_from_db()
    assert subscription.signing_secrets()[0] == first.json()["secret"]  # rotated once
    with connection.cursor() as cursor:  # the stored answer is encrypted: the secret is nowhere in clear
        cursor.execute("SELECT body FROM api_idempotencyrecord WHERE key = %s", ["rotation-du-1er"])
        (stored,) = cursor.fetchone()
    assert first.json()["secret"].encode() not in bytes(stored) and b"whsec_" not in bytes(stored)


def test_a_created_subscription_is_confidential_an_ordinary_answer_is_shared(organisation):
    mine, theirs = (
        Api(supplier_token(organisation)[1]),
        Api(member_token(organisation, MemberRole.ADMINISTRATOR)),
    )
    made = mine.post("/webhooks", {"url": HOOK, "kinds": ["payment.sent"]}, key="abonnement-1")
    assert made.status_code == 201
    assert (
        theirs.post("/webhooks", {"url": HOOK, "kinds": ["payment.sent"]}, key="abonnement-1").status_code
        == 422
    )
    assert Subscription.objects.count() == 1
    disabled = mine.post(f"/webhooks/{made.json()['id']}/disable", key="désactivation-1")
    assert disabled.status_code == 200
    replayed = theirs.post(f"/webhooks/{made.json()['id']}/disable", key="désactivation-1")
    assert replayed["Idempotent-Replayed"] == "true" and replayed.json() == disabled.json()
    assert IdempotencyRecord.objects.get(key="désactivation-1").caller == ""


def test_the_portal_keeps_the_secret_it_shows_next_encrypted_in_the_session(organisation):
    from django.contrib.sessions.models import Session
    from django.urls import reverse

    from .test_api_and_portal import signed_in_admin

    client = signed_in_admin(organisation)
    page = reverse("portal:supplier_webhooks")
    assert client.post(page, {"url": HOOK, "kinds": ["request.validated"]}).status_code == 302
    stored = " ".join(s.session_data for s in Session.objects.all())
    decoded = str([s.get_decoded() for s in Session.objects.all()])
    assert "whsec_" not in stored and "whsec_" not in decoded  # the session rows: no secret, even decoded
    shown = client.get(page).content.decode()
    secret = shown.split('data-testid="secret">')[1].split("<")[0]
    subscription = Subscription.objects.get()
    assert secret.startswith("whsec_") and subscription.signing_secrets() == [secret]

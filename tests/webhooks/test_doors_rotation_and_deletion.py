"""Rotating a subscription's secret and deleting a subscription through the API and the portal: the new secret
shown once, the deletion a 204 (the API) or a confirmed panel (the portal); another organisation's subscription
is a 404; a member who is not an administrator is refused (403, in French); the portal's POSTs need the CSRF
token."""

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sons.audit.models import AuditEntry
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Membership
from sons.webhooks.models import Delivery, Subscription
from tests.db_factories import OrganisationFactory, supplier_token
from tests.queue import run_pending
from tests.second_factor import verified
from tests.worlds import Api

from .conftest import happen, subscribe
from .test_api_and_portal import member_token, signed_in_admin

pytestmark = pytest.mark.django_db
HOOK = "https://93.184.215.14/hook"


def delete(api: Api, path: str):
    return api.client.delete(f"{api.prefix}{path}", headers=api.headers)


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_rotates_a_secret_showing_the_new_one_once(organisation, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    subscription, old = subscribe(organisation, HOOK)
    api = Api(supplier_token(organisation)[1])
    assert api.get(f"/webhooks/{subscription.pk}").json()["previous_secret_until"] is None
    rotated = api.post(f"/webhooks/{subscription.pk}/rotate-secret")
    assert rotated.status_code == 200, rotated.content
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != old
    assert body["secret_hint"] == body["secret"][:10] + "…" and body["active"] is True
    assert datetime.fromisoformat(body["previous_secret_until"]) == timezone.now() + timedelta(days=1)
    shown = api.get(f"/webhooks/{subscription.pk}").json()
    assert "secret" not in shown and shown["previous_secret_until"] == body["previous_secret_until"]
    assert "secret" not in api.get("/webhooks").json()[0]
    subscription.refresh_from_db()
    assert subscription.signing_secrets() == [body["secret"], old]
    time_machine.shift(86400)
    assert api.get(f"/webhooks/{subscription.pk}").json()["previous_secret_until"] is None
    assert AuditEntry.objects.filter(action="webhook.secret_rotated").count() == 1


def test_a_rotation_retried_under_its_idempotency_key_gives_the_same_secret_and_rotates_once(organisation):
    subscription, old = subscribe(organisation, HOOK)
    api = Api(supplier_token(organisation)[1])
    first = api.post(f"/webhooks/{subscription.pk}/rotate-secret", key="rotation-2026-12")
    again = api.post(f"/webhooks/{subscription.pk}/rotate-secret", key="rotation-2026-12")
    assert again["Idempotent-Replayed"] == "true" and again.json()["secret"] == first.json()["secret"]
    subscription.refresh_from_db()
    assert subscription.signing_secrets() == [first.json()["secret"], old]
    assert AuditEntry.objects.filter(action="webhook.secret_rotated").count() == 1


def test_the_api_deletes_a_subscription_with_its_log(organisation, receiver):
    subscription, _ = subscribe(organisation, receiver.url)
    happen(organisation)
    run_pending()
    api = Api(supplier_token(organisation)[1])
    answer = delete(api, f"/webhooks/{subscription.pk}")
    assert answer.status_code == 204 and answer.content == b""
    assert api.get(f"/webhooks/{subscription.pk}").status_code == 404
    assert api.get("/webhooks").json() == [] and Delivery.objects.count() == 0
    again = delete(api, f"/webhooks/{subscription.pk}")
    assert again.status_code == 404 and again.json()["code"] == "not_found"
    (entry,) = AuditEntry.objects.filter(action="webhook.deleted")
    assert entry.payload["url"] == receiver.url and entry.payload["deliveries"] == 1


def test_another_organisations_subscription_is_404_and_members_not_administrators_are_403(organisation):
    theirs, their_secret = subscribe(OrganisationFactory(), HOOK)
    mine, my_secret = subscribe(organisation, HOOK)
    api = Api(supplier_token(organisation)[1])
    assert api.post(f"/webhooks/{theirs.pk}/rotate-secret").status_code == 404
    assert delete(api, f"/webhooks/{theirs.pk}").status_code == 404
    for role in (MemberRole.READER, MemberRole.FILER):
        member = Api(member_token(organisation, role))
        for refused in (
            member.post(f"/webhooks/{mine.pk}/rotate-secret"),
            delete(member, f"/webhooks/{mine.pk}"),
        ):
            assert refused.status_code == 403
            assert (
                refused.json()["message"]
                == "Les webhooks de l'organisation sont gérés par ses administrateurs."
            )
        assert member.post(f"/webhooks/{theirs.pk}/rotate-secret").status_code == 404
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.secret, mine.secret) == (their_secret, my_secret)
    assert Subscription.objects.count() == 2
    assert not AuditEntry.objects.filter(action__in=["webhook.secret_rotated", "webhook.deleted"]).exists()


# --- Portal --------------------------------------------------------------------------------------------------


def test_the_portal_rotates_a_secret_after_its_panel_and_shows_the_new_one_once(organisation):
    subscription, old = subscribe(organisation, HOOK)
    client = signed_in_admin(organisation)
    log = reverse("portal:webhook_log", args=[subscription.pk])
    assert reverse("portal:webhook_rotate", args=[subscription.pk]) in client.get(log).content.decode()
    panel = client.get(reverse("portal:webhook_rotate", args=[subscription.pk]))
    page = panel.content.decode()
    assert panel.status_code == 200 and "Renouveler le secret de signature" in page
    assert "24 heures" in page and 'name="csrfmiddlewaretoken"' in page and old not in page
    confirm = {"secret_hint": subscription.secret_hint}
    done = client.post(reverse("portal:webhook_rotate", args=[subscription.pk]), confirm)
    assert done.status_code == 302 and done["Location"] == log
    subscription.refresh_from_db()
    new = subscription.secret
    assert new != old and subscription.previous_secret == old
    shown = client.get(log).content.decode()
    assert f'data-testid="secret">{new}<' in shown and "Secret renouvelé" in shown
    assert "L'ancien secret signe encore les livraisons" in shown and old not in shown
    assert new not in client.get(log).content.decode()  # once
    twice = client.post(reverse("portal:webhook_rotate", args=[subscription.pk]), confirm)  # the same panel
    assert twice.status_code == 409 and "déjà renouvelé" in twice.content.decode()
    assert "Le secret remplacé au renouvellement précédent" in unescape(twice.content.decode())
    subscription.refresh_from_db()
    assert subscription.secret == new


def test_the_portal_deletes_a_subscription_after_its_panel(organisation):
    subscription, _ = subscribe(organisation, HOOK)
    client = signed_in_admin(organisation)
    assert reverse("portal:webhook_delete", args=[subscription.pk]) in (
        client.get(reverse("portal:webhook_log", args=[subscription.pk])).content.decode()
    )
    panel = client.get(reverse("portal:webhook_delete", args=[subscription.pk]))
    assert panel.status_code == 200 and HOOK in panel.content.decode()
    assert "Cette décision est irréversible" in panel.content.decode()
    done = client.post(reverse("portal:webhook_delete", args=[subscription.pk]), follow=True)
    assert done.redirect_chain == [(reverse("portal:supplier_webhooks"), 302)]
    assert "Abonnement supprimé" in done.content.decode() and not Subscription.objects.exists()


def test_the_portal_refuses_another_organisations_subscription_and_members_not_administrators(organisation):
    theirs, _ = subscribe(OrganisationFactory(), HOOK)
    mine, secret = subscribe(organisation, HOOK)
    admin = signed_in_admin(organisation)
    for name in ("portal:webhook_rotate", "portal:webhook_delete"):
        assert admin.get(reverse(name, args=[theirs.pk])).status_code == 404
        assert admin.post(reverse(name, args=[theirs.pk])).status_code == 404
    filer = get_user_model().objects.create_user("deposant-webhooks", password="x")
    Membership.objects.create(user=filer, role=Role.SUPPLIER_MEMBER, organisation=organisation,
                              member_role=MemberRole.FILER)  # fmt: skip
    client = Client()
    client.force_login(filer)
    client = verified(client, filer)
    for name in ("portal:webhook_rotate", "portal:webhook_delete"):
        for answer in (client.get(reverse(name, args=[mine.pk])), client.post(reverse(name, args=[mine.pk]))):
            assert answer.status_code == 403
            assert "Page réservée aux administrateurs de l'organisation." in unescape(answer.content.decode())
    mine.refresh_from_db()
    assert mine.secret == secret and Subscription.objects.count() == 2


def test_the_portals_rotation_and_deletion_need_the_csrf_token(organisation):
    subscription, secret = subscribe(organisation, HOOK)
    client = signed_in_admin(organisation)
    client.handler.enforce_csrf_checks = True
    rotate = reverse("portal:webhook_rotate", args=[subscription.pk])
    remove = reverse("portal:webhook_delete", args=[subscription.pk])
    assert client.post(rotate, {"secret_hint": subscription.secret_hint}).status_code == 403
    assert client.post(remove).status_code == 403
    subscription.refresh_from_db()
    assert subscription.secret == secret and Subscription.objects.count() == 1
    panel = client.get(rotate).content.decode()  # its form carries the token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', panel).group(1)
    done = client.post(rotate, {"secret_hint": subscription.secret_hint, "csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert client.post(remove, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not Subscription.objects.exists()

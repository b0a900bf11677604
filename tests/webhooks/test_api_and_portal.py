"""Subscriptions through the API and the portal (the secret shown once; refusals in French naming the field;
another organisation's subscription is a 404; readers and filers do not manage them), and the change feed:
the organisation's events only, from a cursor, with `next`."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from standardwebhooks import Webhook

from sons.audit.models import AuditEntry
from sons.notifications.enums import EventKind
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import ApiToken, Membership
from sons.webhooks.models import Delivery, Subscription
from tests.db_factories import OrganisationFactory, staff, supplier_token
from tests.queue import run_pending
from tests.second_factor import verified
from tests.worlds import Api

from .conftest import happen, subscribe

pytestmark = pytest.mark.django_db


def member_token(organisation, role: str) -> str:
    user = get_user_model().objects.create_user(f"{role}-{organisation.pk}", password="x")
    Membership.objects.create(
        user=user, role=Role.SUPPLIER_MEMBER, organisation=organisation, member_role=role
    )
    return ApiToken.issue("jeton", user=user)[1]


def test_a_subscription_made_by_the_api_shows_its_secret_once_and_signs_deliveries(organisation, receiver):
    api = Api(supplier_token(organisation)[1])
    made = api.post("/webhooks", {"url": receiver.url, "kinds": ["request.validated", "payment.sent"],
                                  "description": "facturation"})  # fmt: skip
    assert made.status_code == 201, made.content
    created = made.json()
    assert created["secret"].startswith("whsec_") and created["kinds"] == [
        "request.validated",
        "payment.sent",
    ]
    listed = api.get("/webhooks").json()
    assert [s["id"] for s in listed] == [created["id"]] and "secret" not in listed[0]
    assert "secret" not in api.get(f"/webhooks/{created['id']}").json()
    assert AuditEntry.objects.filter(action="webhook.created").count() == 1
    event = happen(organisation)
    run_pending()
    (got,) = receiver.wait_for(1)
    assert Webhook(created["secret"]).verify(got.body, got.headers)["id"] == event.public_id
    (delivery,) = api.get(f"/webhooks/{created['id']}/deliveries").json()
    assert delivery["state"] == "delivered" and delivery["attempts"][0]["status"] == 200
    replayed = api.post(f"/webhooks/deliveries/{delivery['id']}/replay")
    assert replayed.status_code == 202 and replayed.json()["state"] == "pending"
    run_pending()
    assert len(receiver.wait_for(2)) == 2
    assert api.post(f"/webhooks/{created['id']}/disable").json()["active"] is False
    assert api.post(f"/webhooks/{created['id']}/enable").json()["active"] is True


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"url": "http://127.0.0.1:8000/hook", "kinds": ["request.validated"]}, "url", "adresse de bouclage"),
        ({"url": "https://10.1.2.3/hook", "kinds": ["request.validated"]}, "url", "adresse privée"),
        ({"url": "https://169.254.169.254/latest", "kinds": ["request.validated"]}, "url", "lien-local"),
        ({"url": "ftp://exemple.fr/", "kinds": ["request.validated"]}, "url", "https://"),
        ({"url": "https://93.184.215.14/hook", "kinds": ["dossier.eaten"]}, "kinds[0]", "événement inconnu"),
        ({"url": "https://93.184.215.14/hook", "kinds": []}, "kinds", "liste trop courte"),
    ],
)
def test_bad_subscriptions_are_refused_in_french_naming_the_field(organisation, settings, body, field, words):
    settings.SONS_WEBHOOK_ALLOW_LOOPBACK = False
    answer = Api(supplier_token(organisation)[1]).post("/webhooks", body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field and words in answer.json()["message"]
    assert Subscription.objects.count() == 0


def test_another_organisations_subscriptions_are_404_and_readers_do_not_manage(organisation, receiver):
    theirs, _ = subscribe(OrganisationFactory(), receiver.url)
    happen(theirs.organisation)
    run_pending()
    api = Api(supplier_token(organisation)[1])
    assert api.get("/webhooks").json() == []
    assert api.get(f"/webhooks/{theirs.pk}").status_code == 404
    assert api.post(f"/webhooks/{theirs.pk}/disable").status_code == 404
    assert api.get(f"/webhooks/{theirs.pk}/deliveries").status_code == 404
    assert api.post(f"/webhooks/deliveries/{Delivery.objects.get().pk}/replay").status_code == 404
    for role in (MemberRole.READER, MemberRole.FILER):
        refused = Api(member_token(organisation, role)).post(
            "/webhooks", {"url": receiver.url, "kinds": ["payment.sent"]}
        )
        assert refused.status_code == 403 and "administrateurs" in refused.json()["message"]
    _, instructor = staff(Role.ASP_INSTRUCTOR, "instructeur")
    assert Api(instructor).get("/webhooks").status_code == 403
    assert Api(instructor).get("/events").status_code == 403
    theirs.refresh_from_db()
    assert theirs.active


def test_the_change_feed_is_a_cursor_over_the_organisations_own_events(organisation, settings):
    settings.SONS_FEED_SETTLE_SECONDS = 0
    other = OrganisationFactory()
    mine = [happen(organisation, EventKind.VALIDATED, n=n) for n in range(5)]
    happen(other, EventKind.VALIDATED)
    happen(organisation, EventKind.ANSWER_RECEIVED)  # the instructors' only
    api = Api(supplier_token(organisation)[1])
    answer = api.get("/events?limit=2")
    first = answer.json()
    assert answer["Link"] == f'<http://testserver/api/v1/events?after={first["next"]}&limit=2>; rel="next"'
    assert [e["id"] for e in first["events"]] == [e.public_id for e in mine[:2]] and first["has_more"]
    assert first["events"][0] == {"id": mine[0].public_id, "type": "request.validated",
                                  "timestamp": mine[0].occurred_at.isoformat(), "dossier_id": None, "data": {"n": 0}}  # fmt: skip
    rest = api.get(f"/events?after={first['next']}&limit=10").json()
    assert [e["id"] for e in rest["events"]] == [e.public_id for e in mine[2:]] and not rest["has_more"]
    assert not api.get(f"/events?after={first['next']}&limit=10").has_header("Link")
    empty = api.get(f"/events?after={rest['next']}").json()
    assert empty == {"events": [], "next": rest["next"], "has_more": False}
    numeric = api.get(f"/events?after={mine[3].pk}").json()
    assert [e["id"] for e in numeric["events"]] == [mine[4].public_id]
    theirs = Api(supplier_token(other)[1]).get("/events").json()
    assert len(theirs["events"]) == 1 and theirs["events"][0]["id"] not in {e.public_id for e in mine}
    bad = api.get("/events?after=hier")
    assert bad.status_code == 422 and bad.json()["field"] == "after"
    assert api.get("/events?limit=0").json()["field"] == "limit"


def test_the_feed_waits_for_events_to_settle(organisation, settings, time_machine):
    settings.SONS_FEED_SETTLE_SECONDS = 5
    time_machine.move_to(timezone.now(), tick=False)
    happen(organisation)
    api = Api(supplier_token(organisation)[1])
    assert api.get("/events").json()["events"] == []
    time_machine.shift(6)
    assert len(api.get("/events").json()["events"]) == 1


def signed_in_admin(organisation) -> Client:
    user = get_user_model().objects.create_user("admin-portail", email="admin@editeur.fr", password="x")
    Membership.objects.create(user=user, role=Role.SUPPLIER_MEMBER, organisation=organisation,
                              member_role=MemberRole.ADMINISTRATOR)  # fmt: skip
    client = Client()
    client.force_login(user)
    return verified(client, user)


def test_the_portal_makes_a_subscription_shows_its_secret_once_and_its_delivery_log(organisation, settings):
    from .receiver import Receiver

    settings.SONS_WEBHOOK_RETRY_DELAYS = [0] * 9
    client = signed_in_admin(organisation)
    page = reverse("portal:supplier_webhooks")
    assert "Webhooks" in client.get(reverse("portal:supplier_home")).content.decode()
    refused = client.post(page, {"url": "https://10.0.0.7/hook", "kinds": ["request.validated"]})
    assert refused.status_code == 200 and "adresse privée" in refused.content.decode()
    with Receiver([500]) as receiver:
        made = client.post(page, {"url": receiver.url, "kinds": ["request.validated"], "description": "ERP"})
        assert made.status_code == 302
        shown = client.get(page).content.decode()
        assert 'data-testid="secret">whsec_' in shown and receiver.url in shown
        assert 'data-testid="secret"' not in client.get(page).content.decode()
        subscription = Subscription.objects.get()
        happen(organisation)
        run_pending()
        log = client.get(reverse("portal:webhook_log", args=[subscription.pk])).content.decode()
        assert "HTTP 500" in log and "HTTP 200" in log and "Livrée" in log
        delivery = Delivery.objects.get()
        assert client.post(reverse("portal:webhook_replay", args=[delivery.pk])).status_code == 302
        run_pending()
        assert len(receiver.requests) == 3
    client.post(reverse("portal:webhook_disable", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.active
    other, _ = subscribe(OrganisationFactory(), "https://93.184.215.14/hook")
    assert client.get(reverse("portal:webhook_log", args=[other.pk])).status_code == 404
    assert client.post(reverse("portal:webhook_disable", args=[other.pk])).status_code == 404


def test_the_webhook_pages_are_the_administrators(organisation):
    user = get_user_model().objects.create_user("deposant-portail", password="x")
    Membership.objects.create(user=user, role=Role.SUPPLIER_MEMBER, organisation=organisation,
                              member_role=MemberRole.FILER)  # fmt: skip
    client = Client()
    client.force_login(user)
    client = verified(client, user)
    assert client.get(reverse("portal:supplier_webhooks")).status_code == 403
    assert "Webhooks" not in client.get(reverse("portal:supplier_home")).content.decode()


def test_an_organisation_has_at_most_so_many_subscriptions(organisation, monkeypatch):
    from sons.webhooks import services

    monkeypatch.setattr(services, "MAX_SUBSCRIPTIONS", 2)
    api = Api(supplier_token(organisation)[1])
    for n in range(2):
        assert (
            api.post(
                "/webhooks", {"url": f"https://93.184.215.14/{n}", "kinds": ["payment.sent"]}
            ).status_code
            == 201
        )
    refused = api.post("/webhooks", {"url": "https://93.184.215.14/2", "kinds": ["payment.sent"]})
    assert refused.status_code == 409 and "Au plus 2 abonnements actifs" in refused.json()["message"]
    first = api.get("/webhooks").json()[0]["id"]
    api.post(f"/webhooks/{first}/disable")
    assert (
        api.post("/webhooks", {"url": "https://93.184.215.14/2", "kinds": ["payment.sent"]}).status_code
        == 201
    )
    assert api.post(f"/webhooks/{first}/enable").status_code == 409

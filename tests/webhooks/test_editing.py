"""Editing a subscription (its address, events and description) through the API (PATCH) and the portal (the edit
panel of its delivery log page): checked as at creation, refusals in French naming the field, another
organisation's subscription a 404, members who are not administrators refused, one audit entry with what changed,
from and to."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from sons.audit.models import AuditEntry
from sons.errors import Forbidden
from sons.notifications.enums import EventKind
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Membership
from sons.suppliers.perms import Principal
from sons.webhooks import services
from sons.webhooks.enums import DeliveryState
from sons.webhooks.models import Delivery, Subscription
from tests.db_factories import OrganisationFactory, supplier_token
from tests.queue import run_pending
from tests.second_factor import verified
from tests.worlds import Api

from .conftest import happen, subscribe
from .receiver import Receiver
from .test_api_and_portal import member_token, signed_in_admin

pytestmark = pytest.mark.django_db
HOOK = "https://93.184.215.14/hook"
OTHER_HOOK = "https://93.184.215.15/sons"


def patch(api: Api, path: str, body):
    return api.client.patch(f"{api.prefix}{path}", data=json.dumps(body), content_type="application/json",
                            headers=api.headers)  # fmt: skip


# --- API -----------------------------------------------------------------------------------------------------


def test_the_api_changes_the_address_and_the_events_and_journals_from_and_to(organisation):
    subscription, secret = subscribe(organisation, HOOK)
    api = Api(supplier_token(organisation)[1])
    answer = patch(api, f"/webhooks/{subscription.pk}", {"url": f" {OTHER_HOOK} ", "kinds": ["payment.sent"]})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["url"] == OTHER_HOOK and body["kinds"] == ["payment.sent"] and "secret" not in body
    assert body["description"] == "logiciel de test" and body["secret_hint"] == secret[:10] + "…"
    subscription.refresh_from_db()
    assert (subscription.url, subscription.kinds, subscription.secret) == (
        OTHER_HOOK,
        ["payment.sent"],
        secret,
    )
    (entry,) = AuditEntry.objects.filter(action="webhook.updated")
    assert entry.payload == {
        "from": {"url": HOOK, "kinds": [EventKind.VALIDATED.value]},
        "to": {"url": OTHER_HOOK, "kinds": ["payment.sent"]},
    }
    assert secret not in json.dumps(entry.payload)
    assert api.get(f"/webhooks/{subscription.pk}").json()["url"] == OTHER_HOOK


def test_a_field_left_out_is_unchanged_and_no_change_journals_nothing(organisation):
    subscription, _ = subscribe(organisation, HOOK)
    api = Api(supplier_token(organisation)[1])
    answer = patch(api, f"/webhooks/{subscription.pk}", {"description": "  ERP   production "})
    assert answer.status_code == 200, answer.content
    assert answer.json()["url"] == HOOK and answer.json()["description"] == "ERP production"
    assert (
        patch(api, f"/webhooks/{subscription.pk}", {"url": HOOK, "description": "ERP production"}).status_code
        == 200
    )
    assert patch(api, f"/webhooks/{subscription.pk}", {}).status_code == 200
    (entry,) = AuditEntry.objects.filter(action="webhook.updated")
    assert entry.payload == {
        "from": {"description": "logiciel de test"},
        "to": {"description": "ERP production"},
    }


@pytest.mark.parametrize(
    ("body", "status", "code", "field", "words"),
    [
        ({"url": "http://127.0.0.1:8000/hook"}, 422, "invalid_value", "url", "adresse de bouclage"),
        ({"url": "https://10.1.2.3/hook"}, 422, "invalid_value", "url", "adresse privée"),
        ({"url": "ftp://exemple.fr/"}, 422, "invalid_value", "url", "https://"),
        ({"kinds": ["dossier.eaten"]}, 422, "invalid_value", "kinds[0]", "événement inconnu"),
        ({"kinds": []}, 422, None, "kinds", "liste trop courte"),
        ({"description": "x" * 201}, 422, None, "description", "texte trop long"),
        ({"events": ["payment.sent"]}, 422, "unknown_field", "events", "events"),
    ],
)
def test_a_bad_edit_is_refused_in_french_naming_the_field_and_changes_nothing(
    organisation, settings, body, status, code, field, words
):
    settings.SONS_WEBHOOK_ALLOW_LOOPBACK = False
    subscription, _ = subscribe(organisation, HOOK)
    answer = patch(Api(supplier_token(organisation)[1]), f"/webhooks/{subscription.pk}", body)
    assert answer.status_code == status, answer.content
    refusal = answer.json()
    assert refusal["field"] == field and words in refusal["message"]
    if code:
        assert refusal["code"] == code
    subscription.refresh_from_db()
    assert (subscription.url, subscription.kinds) == (HOOK, [EventKind.VALIDATED.value])
    assert not AuditEntry.objects.filter(action="webhook.updated").exists()


def test_another_organisations_subscription_is_404_and_members_not_administrators_are_403(organisation):
    theirs, _ = subscribe(OrganisationFactory(), HOOK)
    api = Api(supplier_token(organisation)[1])
    answer = patch(api, f"/webhooks/{theirs.pk}", {"url": OTHER_HOOK})
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert "introuvable" in answer.json()["message"].lower()
    ours, _ = subscribe(organisation, HOOK)
    for role in (MemberRole.READER, MemberRole.FILER):
        refused = patch(Api(member_token(organisation, role)), f"/webhooks/{ours.pk}", {"url": OTHER_HOOK})
        assert refused.status_code == 403 and "administrateurs" in refused.json()["message"]
    admin = patch(
        Api(member_token(organisation, MemberRole.ADMINISTRATOR)), f"/webhooks/{ours.pk}", {"url": OTHER_HOOK}
    )
    assert admin.status_code == 200, admin.content
    theirs.refresh_from_db()
    assert theirs.url == HOOK


def test_the_service_refuses_a_member_who_is_not_an_administrator(organisation):
    subscription, _ = subscribe(organisation, HOOK)
    member_token(organisation, MemberRole.FILER)
    filer = Principal.for_user(get_user_model().objects.get(username=f"{MemberRole.FILER}-{organisation.pk}"))
    with pytest.raises(Forbidden, match="administrateurs"):
        services.update_subscription(filer, subscription, url=OTHER_HOOK)
    subscription.refresh_from_db()
    assert subscription.url == HOOK


def test_pending_deliveries_go_to_the_new_address_and_new_events_follow_the_new_kinds(organisation):
    with Receiver(then=500) as first, Receiver() as second:
        subscription, secret = subscribe(organisation, first.url)
        event = happen(organisation)
        run_pending()
        assert len(first.requests) == 1 and Delivery.objects.get().state == DeliveryState.PENDING
        principal, _ = supplier_token(organisation)
        services.update_subscription(principal, subscription, url=second.url, kinds=["payment.sent"])
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())  # the retry, due now
        run_pending()
        (retried,) = second.wait_for(1)  # the pending delivery's retry, at the new address
        assert Webhook(secret).verify(retried.body, retried.headers)["id"] == event.public_id
        happen(organisation, EventKind.VALIDATED)  # no longer subscribed
        paid = happen(organisation, EventKind.PAYMENT_SENT, dossier_id=2)
        run_pending()
        got = second.wait_for(2)
        assert [r.headers["webhook-id"] for r in got] == [event.public_id, paid.public_id]
        assert len(first.requests) == 1


# --- portal --------------------------------------------------------------------------------------------------


def test_the_portal_edits_a_subscription_from_its_page(organisation):
    subscription, _ = subscribe(organisation, HOOK)
    client = signed_in_admin(organisation)
    page = client.get(reverse("portal:webhook_log", args=[subscription.pk])).content.decode()
    assert reverse("portal:webhook_edit", args=[subscription.pk]) in page and f'value="{HOOK}"' in page
    done = client.post(reverse("portal:webhook_edit", args=[subscription.pk]),
                       {"url": OTHER_HOOK, "kinds": ["payment.sent", "request.validated"], "description": "ERP"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == reverse(
        "portal:webhook_log", args=[subscription.pk]
    )
    subscription.refresh_from_db()
    assert subscription.url == OTHER_HOOK and set(subscription.kinds) == {"payment.sent", "request.validated"}
    assert subscription.description == "ERP"
    assert "Abonnement modifié." in client.get(done["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="webhook.updated").count() == 1


def test_the_portal_shows_a_refused_edit_under_its_field_in_french(organisation, settings):
    settings.SONS_WEBHOOK_ALLOW_LOOPBACK = False
    subscription, _ = subscribe(organisation, HOOK)
    client = signed_in_admin(organisation)
    edit = reverse("portal:webhook_edit", args=[subscription.pk])
    refused = client.post(edit, {"url": "https://10.0.0.7/hook", "kinds": ["request.validated"]})
    page = refused.content.decode()
    assert refused.status_code == 400 and "adresse privée" in page and 'aria-invalid="true"' in page
    assert 'aria-expanded="true"' in page  # the panel open on its errors
    refused = client.post(edit, {"url": OTHER_HOOK})
    assert refused.status_code == 400 and "Choisissez au moins un événement." in refused.content.decode()
    subscription.refresh_from_db()
    assert subscription.url == HOOK and not AuditEntry.objects.filter(action="webhook.updated").exists()


def test_the_portals_edit_refuses_another_organisation_non_administrators_and_a_missing_csrf_token(
    organisation,
):
    theirs, _ = subscribe(OrganisationFactory(), HOOK)
    client = signed_in_admin(organisation)
    assert client.post(reverse("portal:webhook_edit", args=[theirs.pk]),
                       {"url": OTHER_HOOK, "kinds": ["payment.sent"]}).status_code == 404  # fmt: skip
    assert client.get(reverse("portal:webhook_edit", args=[theirs.pk])).status_code in (404, 405)
    ours, _ = subscribe(organisation, HOOK)
    filer = get_user_model().objects.create_user("deposant-edition", password="x")
    Membership.objects.create(user=filer, role=Role.SUPPLIER_MEMBER, organisation=organisation,
                              member_role=MemberRole.FILER)  # fmt: skip
    other = Client()
    other.force_login(filer)
    other = verified(other, filer)
    assert other.post(reverse("portal:webhook_edit", args=[ours.pk]),
                      {"url": OTHER_HOOK, "kinds": ["payment.sent"]}).status_code == 403  # fmt: skip
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("portal:webhook_edit", args=[ours.pk]),
                        {"url": OTHER_HOOK, "kinds": ["payment.sent"]}).status_code == 403  # fmt: skip
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.url == HOOK and theirs.url == HOOK


def test_a_subscription_with_an_unknown_field_is_refused_by_name(organisation):
    api = Api(supplier_token(organisation)[1])
    refused = api.post("/webhooks", {"url": HOOK, "kinds": ["payment.sent"], "events": ["payment.sent"]})
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_field"
    assert "events" in refused.json()["message"] and not Subscription.objects.exists()

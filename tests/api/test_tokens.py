"""Tokens: refused at once when their user is deactivated, revoked or expired; listed and revoked by their
owner (API and portal); a session acts on the API only with its CSRF token."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sons.audit.models import AuditEntry
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import ApiToken, Membership
from tests.db_factories import staff
from tests.worlds import Api, filing

pytestmark = pytest.mark.django_db


def test_a_deactivated_users_token_is_refused_at_once(world):
    _, key = staff(Role.ASP_INSTRUCTOR, "instructrice")
    instructor = Api(key)
    assert instructor.get("/dossiers").status_code == 200  # the principal is now cached in the process
    get_user_model().objects.filter(username="instructrice").update(is_active=False)
    assert instructor.get("/dossiers").status_code == 401


def test_an_organisations_token_stops_when_the_member_who_issued_it_leaves(world):
    member = get_user_model().objects.create_user("membre", password="x")
    Membership.objects.create(user=member, role=Role.SUPPLIER_MEMBER, organisation=world.organisation)
    _, key = ApiToken.issue("intégration", organisation=world.organisation, created_by=member)
    assert Api(key).get("/dossiers").status_code == 200
    member.is_active = False
    member.save()
    assert Api(key).get("/dossiers").status_code == 401


def test_an_expired_token_is_refused(world):
    token, key = ApiToken.issue("court", organisation=world.organisation, lifetime=timedelta(days=1))
    assert Api(key).get("/dossiers").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Api(key).get("/dossiers").status_code == 401
    assert token.expires_at - token.created_at <= timedelta(days=1, seconds=1)
    assert ApiToken.issue("défaut", organisation=world.organisation)[
        0
    ].expires_at > timezone.now() + timedelta(days=364)


def test_tokens_are_stored_hashed(world):
    token, key = ApiToken.issue("haché", organisation=world.organisation)
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert key not in {str(value) for value in stored.values()}
    assert len(stored["key_hash"]) == 64 and stored["prefix"] == key[5:13]


def test_owners_list_and_revoke_their_tokens_and_nobody_elses(world):
    listed = world.supplier.get("/tokens").json()
    assert [t["state"] for t in listed] == ["active"]
    other = world.other_supplier.get("/tokens").json()
    assert {t["id"] for t in other}.isdisjoint({t["id"] for t in listed})
    assert world.other_supplier.post(f"/tokens/{listed[0]['id']}/revoke").status_code == 404
    assert world.instructor.post(f"/tokens/{listed[0]['id']}/revoke").status_code == 404
    revoked = world.supplier.post(f"/tokens/{listed[0]['id']}/revoke")
    assert revoked.json()["state"] == "revoked"
    assert world.supplier.get("/dossiers").status_code == 401  # at once, cache or not
    assert AuditEntry.objects.filter(action="token.revoked").count() == 1
    own = world.instructor.get("/tokens").json()
    assert len(own) == 1 and own[0]["label"] == "jeton de instructeur"


def signed_in_supplier(world, csrf_checks: bool) -> Client:
    user = get_user_model().objects.create_user("membre-portail", password="x")
    Membership.objects.create(user=user, role=Role.SUPPLIER_MEMBER, organisation=world.organisation,
                              member_role=MemberRole.ADMINISTRATOR)  # tokens are the administrators'  # fmt: skip
    client = Client(enforce_csrf_checks=csrf_checks)
    client.force_login(user)
    return client


def test_a_cross_site_post_with_a_session_cookie_is_refused(world):
    client = signed_in_supplier(world, csrf_checks=True)
    forged = client.post("/api/dossiers", '{"client": {}}', content_type="text/plain",
                         headers={"Origin": "http://127.0.0.1:9999"})  # fmt: skip
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["message"] and "jeton" in forged.json()["message"]
    assert client.get("/api/dossiers").status_code == 200  # reading needs no CSRF token
    page = client.get(reverse("portal:supplier_home"))  # the portal gives the token…
    token = (
        page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    )
    filed = client.post("/api/dossiers", filing(world), content_type="application/json",
                        headers={"X-CSRFToken": token})  # fmt: skip
    assert filed.status_code == 201  # …with which the same session may write


def test_without_a_session_an_anonymous_post_is_a_401(world):
    response = Client(enforce_csrf_checks=True).post("/api/dossiers", {}, content_type="application/json")
    assert response.status_code == 401


def test_reloading_the_token_page_creates_no_other_token(world):
    client = signed_in_supplier(world, csrf_checks=False)
    before = ApiToken.objects.filter(organisation=world.organisation).count()
    created = client.post(reverse("portal:supplier_tokens"), {"label": "logiciel de cabinet"})
    assert created.status_code == 302 and created.url == reverse("portal:supplier_tokens")
    shown = client.get(created.url).content.decode()
    assert "Jeton créé" in shown and 'data-testid="jeton">sons_' in shown
    again = client.get(created.url).content.decode()
    assert "Jeton créé" not in again  # shown once
    assert ApiToken.objects.filter(organisation=world.organisation).count() == before + 1
    token = ApiToken.objects.get(label="logiciel de cabinet")
    assert token.created_by.username == "membre-portail"
    client.post(reverse("portal:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None

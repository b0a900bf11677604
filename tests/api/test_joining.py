"""Joining through the API: sign-up, members and invitations, the enrolment filed with its PDFs (multipart)
and decided by an instructor, staff administration with the separation of duties; a reader's token reads only.
Refusals are JSON with a French message naming the field."""

import pytest
from django.test import Client

from sons.suppliers import organisations
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import ApiToken, Enrolment, Organisation
from tests.suppliers.world import BIC, IBAN, PASSWORD, agent, joining, member, pdf
from tests.worlds import Api

pytestmark = pytest.mark.django_db


def api_of(principal) -> Api:
    _, key = ApiToken.issue("tests", user=principal.user, organisation=principal.organisation)
    return Api(key)


def multipart(api: Api, path: str, data: dict):
    return api.client.post(f"/api{path}", data=data, headers=api.headers)


def test_sign_up_through_the_api_and_refusals_name_the_field():
    client = Client()
    body = {"siren": "732829320", "siret": "73282932000074", "name": "Logiciels du Littoral",
            "address": "3 quai des Chartrons", "postcode": "33000", "city": "Bordeaux", "kind": "publisher",
            "first_name": "Claire", "last_name": "Martin", "email": "claire@littoral.fr", "password": PASSWORD}  # fmt: skip
    bad = client.post("/api/sign-up", {**body, "siret": "73282932000075"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "siret" and "invalide" in bad.json()["message"]
    assert not Organisation.objects.exists()
    created = client.post("/api/sign-up", body, content_type="application/json")
    assert created.status_code == 201 and "claire@littoral.fr" in created.json()["message"]
    again = client.post(
        "/api/sign-up", {**body, "email": "autre@littoral.fr"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["field"] == "siren"


def test_enrolment_filed_with_pdfs_then_decided_through_the_api():
    world = joining()
    supplier, instructor = api_of(world.admin), api_of(world.instructor)
    form = {"solution_id": world.solution.pk, "hosts_health_data": "false", "psc_user_service_operator": "true",
            "iban": "CN1234", "bic": BIC, "rib": pdf("rib.pdf"), "sworn_statement": pdf("dsh.pdf")}  # fmt: skip
    bad = multipart(supplier, "/enrolment", form)
    assert bad.status_code == 422 and bad.json()["field"] == "iban"
    assert not Enrolment.objects.exists()
    form.update(iban=IBAN, rib=pdf("rib.pdf"), sworn_statement=pdf("dsh.pdf"))
    filed = multipart(supplier, "/enrolment", form)
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["state"] == "filed" and {p["kind"] for p in body["pieces"]} == {"rib", "sworn_statement"}
    assert supplier.get("/organisation").json()["may_file"] is False
    assert instructor.get("/enrolments").json()[0]["id"] == body["id"]
    assert supplier.post(f"/enrolments/{body['id']}/decision", {"decision": "validate"}).status_code == 403
    rejected = instructor.post(f"/enrolments/{body['id']}/decision", {"decision": "reject"})
    assert rejected.status_code == 422 and rejected.json()["field"] == "reason"
    validated = instructor.post(f"/enrolments/{body['id']}/decision", {"decision": "validate"})
    assert validated.status_code == 200 and validated.json()["state"] == "validated"
    assert supplier.get("/organisation").json() == {
        "id": world.organisation.pk, "name": world.organisation.name, "siren": world.organisation.siren,
        "siret": "", "kind": "publisher", "enrolment_state": "validated", "may_file": True, "why_not": None,
    }  # fmt: skip
    change = multipart(supplier, "/enrolment/bank-details", {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX",
                                                             "rib": pdf("rib2.pdf")})  # fmt: skip
    assert change.status_code == 201 and change.json()["state"] == "filed"
    decided = instructor.post(f"/bank-changes/{change.json()['id']}/decision", {"decision": "validate"})
    assert decided.json()["state"] == "validated"
    assert Organisation.objects.get(pk=world.organisation.pk).iban == "DE89370400440532013000"


def test_members_through_the_api_and_a_reader_only_reads():
    world = joining()
    admin = api_of(world.admin)
    invited = admin.post("/organisation/invitations", {"email": "hugo@littoral.fr", "member_role": "reader"})
    assert invited.status_code == 201 and invited.json()["state"] == "open"
    reader = member(world.organisation, "lecteur", MemberRole.READER)
    reader_api = api_of(reader)
    assert reader_api.get("/organisation/members").status_code == 403
    filing = {"client": {"rpps": "10000000008"}, "solution_version_id": 1, "order": {}}
    refused = reader_api.post("/dossiers", filing)
    assert refused.status_code == 403 and "lecteur" in refused.json()["message"]
    members = admin.get("/organisation/members").json()
    own = next(m for m in members if m["email"] == "admin-fournisseur@exemple.fr")
    last = admin.client.delete(f"/api/organisation/members/{own['id']}", headers=admin.headers)
    assert last.status_code == 409 and "au moins un administrateur" in last.json()["message"]


def test_staff_administration_through_the_api():
    admin = api_of(agent("admin-asp", Role.ASP_ADMIN))
    both = admin.post("/agents", {"email": "x@asp.fr", "first_name": "X", "last_name": "Y",
                                  "roles": ["asp_instructor", "asp_paying_agent"]})  # fmt: skip
    assert both.status_code == 409 and both.json()["field"] == "roles"
    created = admin.post("/agents", {"email": "paul@asp.fr", "first_name": "Paul", "last_name": "Payeur",
                                     "roles": ["asp_paying_agent"]})  # fmt: skip
    assert created.status_code == 201 and created.json()["roles"] == ["asp_paying_agent"]
    user_id = created.json()["id"]
    conflict = admin.post(f"/agents/{user_id}/roles", {"role": "asp_instructor"})
    assert conflict.status_code == 409 and "Séparation des tâches" in conflict.json()["message"]
    me = admin.post(f"/agents/{admin_user_id()}/roles", {"role": "asp_instructor"})
    assert me.status_code == 403 and "lui-même" in me.json()["message"]
    ans = api_of(agent("admin-ans", Role.ANS_ADMIN))
    assert ans.post(f"/agents/{user_id}/roles", {"role": "asp_instructor"}).status_code == 403


def admin_user_id() -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin-asp").pk


def test_an_invitation_refusal_is_json():
    world = joining()
    organisations.invite(world.admin, "hugo@littoral.fr", MemberRole.READER)
    again = api_of(world.admin).post("/organisation/invitations", {"email": "admin-fournisseur@exemple.fr",
                                                                   "member_role": "reader"})  # fmt: skip
    assert again.status_code == 409 and again.json()["field"] == "email"


def test_tokens_are_listed_and_revoked_by_the_organisations_administrators():
    world = joining()
    org_token, _ = ApiToken.issue("système", organisation=world.organisation)
    filer = member(world.organisation, "deposant", MemberRole.FILER)
    filer_api = api_of(filer)
    own = ApiToken.objects.get(user=filer.user)
    assert [t["id"] for t in filer_api.get("/tokens").json()] == [own.pk]  # a filer sees only their own
    assert filer_api.post(f"/tokens/{org_token.pk}/revoke").status_code == 404
    admin_api = api_of(world.admin)
    listed = {t["id"] for t in admin_api.get("/tokens").json()}
    assert {org_token.pk, own.pk} <= listed
    assert admin_api.post(f"/tokens/{own.pk}/revoke").json()["state"] == "revoked"

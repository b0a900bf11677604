"""Least privilege: only the dossier's supplier adds pieces, each journaled; only the instructor records a
recovery's observations; nobody both validates and pays, the administrator included (checked where roles are
assigned)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from sons.audit.models import AuditEntry
from sons.documents.render import render
from sons.recoveries.models import RecoveryCase
from sons.suppliers import perms
from sons.suppliers.enums import Role
from sons.suppliers.models import Membership
from tests.api.test_staff import file_validate_pay
from tests.db_factories import staff
from tests.documents.pdfs import upload
from tests.worlds import Api, filing, join_through_api

pytestmark = pytest.mark.django_db


def test_only_the_dossiers_supplier_uploads_and_every_upload_is_journaled(world, dossier):
    admin = Api(staff(Role.ADMIN, "admin")[1])
    for api in (world.instructor, world.paying_agent, world.ans, admin):
        refused = upload(api, dossier.pk, "order", render("order", dossier))
        assert refused.status_code == 403, api
        assert "Membre d'un fournisseur" in refused.json()["message"]
    assert upload(world.other_supplier, dossier.pk, "order", render("order", dossier)).status_code == 404
    assert not AuditEntry.objects.filter(action="document.uploaded").exists()
    done = upload(world.supplier, dossier.pk, "order", render("order", dossier))
    assert done.status_code == 201
    (entry,) = AuditEntry.objects.filter(action="document.uploaded")
    assert entry.target_id == str(done.json()["id"])
    assert entry.payload["dossier"] == dossier.pk and entry.payload["sha256"] == done.json()["sha256"]


def test_only_the_instructor_records_observations(world):
    (dossier_id,) = file_validate_pay(world, world.professionals[:1])
    world.supplier.post(f"/dossiers/{dossier_id}/incapacity", {"reason": "Cabinet fermé."})
    case = RecoveryCase.objects.get()
    for api in (world.paying_agent, world.ans, world.supplier):
        assert api.post(f"/recoveries/{case.pk}/observations", {"reason": "Vu."}).status_code == 403
    assert (
        world.instructor.post(f"/recoveries/{case.pk}/observations", {"reason": "Reçues."}).status_code == 200
    )


def test_the_administrator_may_validate_but_never_pay(world):
    admin = Api(staff(Role.ADMIN, "admin")[1])
    filed = world.supplier.post("/dossiers", filing(world))
    join_through_api(world.supplier, "advance", filed.json()["id"])  # the signed order (§6.2)
    decided = admin.post(
        "/instruction/decisions", {"dossier_ids": [filed.json()["id"]], "decision": "validate"}
    )
    assert decided.json()[0]["state"] == "advance_validated"
    refused = admin.post("/payments/batches")
    assert refused.status_code == 403 and "Agent payeur ASP" in refused.json()["message"]


def test_every_role_keeps_validation_and_payment_apart():
    for role in Role:
        perms.check_separation(role)


def test_a_role_that_would_validate_and_pay_is_refused_where_it_is_assigned(monkeypatch):
    user = get_user_model().objects.create_user("cumul", password="x")
    widened = perms.ACTS_AS | {Role.ADMIN: perms.ACTS_AS[Role.ADMIN] | {Role.ASP_PAYING_AGENT}}
    monkeypatch.setattr(perms, "ACTS_AS", widened)
    membership = Membership(user=user, role=Role.ADMIN)
    with pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert "séparation des fonctions" in str(refused.value)
    with pytest.raises(perms.SeparationOfDuties):
        membership.save()
    assert not Membership.objects.filter(user=user).exists()

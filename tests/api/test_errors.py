"""Every API error is French JSON with a request id, logged; a database failure is a 503 to retry; a body cut
short is refused whole; Idempotency-Keys belong to authenticated callers and never stay stuck."""

import io
import json
import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from sons.api import idempotency
from sons.api.models import IdempotencyRecord
from sons.dossiers import actions
from sons.dossiers.models import Dossier
from sons.server_errors import server_error
from sons.suppliers.enums import Role
from tests.db_factories import staff
from tests.worlds import Api, filing

pytestmark = pytest.mark.django_db


def raw_client(world) -> Client:
    return Client(raise_request_exception=False, headers=world.supplier.headers)


def test_an_unexpected_error_is_french_json_with_its_request_id_in_the_log(world, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("défaut de programmation")

    monkeypatch.setattr(actions, "file_one", broken)
    with caplog.at_level(logging.ERROR, logger="sons.errors"):
        response = raw_client(world).post("/api/dossiers", filing(world), content_type="application/json",
                                          headers={"X-Request-ID": "req-000042"})  # fmt: skip
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["request_id"] == "req-000042" == response["X-Request-ID"]
    assert "Erreur interne" in answer["message"] and "req-000042" in answer["message"]
    (logged,) = [r for r in caplog.records if r.name == "sons.errors"]
    assert logged.request_id == "req-000042" and "req-000042" in logged.getMessage()
    assert logged.exc_info[0] is RuntimeError


def test_a_database_failure_is_a_503_to_retry_and_rolls_everything_back(world, monkeypatch):
    real = actions.file_one

    def file_then_lose_the_database(*args, **kwargs):
        real(*args, **kwargs)  # written, then the connection is lost before the answer
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(actions, "file_one", file_then_lose_the_database)
    response = raw_client(world).post("/api/dossiers", filing(world), content_type="application/json",
                                      headers={"Idempotency-Key": "k-503"})  # fmt: skip
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Réessayez" in response.json()["message"]
    assert Dossier.objects.count() == 0 and IdempotencyRecord.objects.count() == 0
    monkeypatch.setattr(actions, "file_one", real)
    assert world.supplier.post("/dossiers", filing(world), key="k-503").status_code == 201
    assert Dossier.objects.count() == 1


def test_a_portal_page_gets_a_french_503_page(db):
    request = Client().get("/").wsgi_request
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        response = server_error(request)  # as Django calls handler500, inside its except block
    assert response.status_code == 503
    assert "réessayez" in response.content.decode()
    assert response["Retry-After"] and response["X-Request-ID"]


def test_a_body_shorter_than_its_content_length_is_refused_whole(world):
    lines = "\n".join(json.dumps(filing(world, rpps=p.rpps)) for p in world.professionals[:4]).encode()
    cut = lines[: len(lines) // 2]
    response = world.supplier.client.generic(
        "POST", "/api/dossiers/bulk", b"", headers={**world.supplier.headers, "Idempotency-Key": "coupé"},
        **{"wsgi.input": io.BytesIO(cut), "CONTENT_LENGTH": str(len(lines)), "CONTENT_TYPE": "application/x-ndjson"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "incomplet" in response.json()["message"]
    assert Dossier.objects.count() == 0 and IdempotencyRecord.objects.count() == 0
    whole = world.supplier.post("/dossiers/bulk", lines, key="coupé", content_type="application/x-ndjson")
    assert whole.json()["filed"] == 4


def test_keys_belong_to_authenticated_callers_only(world):
    anonymous = Client().post("/api/dossiers", filing(world), content_type="application/json",
                              headers={"Idempotency-Key": "k", "Authorization": "Bearer sons_faux"})  # fmt: skip
    assert anonymous.status_code == 401
    assert IdempotencyRecord.objects.count() == 0
    # The same key from two suppliers: two requests, each answered for itself.
    first = world.supplier.post("/dossiers", filing(world), key="k")
    second = world.other_supplier.post("/dossiers", filing(world, rpps=world.professionals[1].rpps), key="k")
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    owners = set(IdempotencyRecord.objects.values_list("owner", flat=True))
    assert owners == {
        f"org:{world.organisation.pk}",
        f"org:{Dossier.objects.get(pk=second.json()['id']).supplier_id}",
    }


def test_refusals_of_access_are_not_stored(world):
    forbidden = world.supplier.post(
        "/instruction/decisions", {"dossier_ids": [1], "decision": "validate"}, key="k"
    )
    assert forbidden.status_code == 403
    assert IdempotencyRecord.objects.count() == 0


def test_an_unfinished_record_is_released_after_the_request_timeout(world, settings):
    settings.SONS_REQUEST_TIMEOUT_SECONDS = 30
    world.supplier.post("/dossiers", filing(world), key="first")  # creates the owner's first record
    owner = IdempotencyRecord.objects.get().owner
    record = IdempotencyRecord.objects.create(owner=owner, key="stuck", fingerprint="x")
    busy = world.supplier.post("/dossiers", filing(world, rpps=world.professionals[1].rpps), key="stuck")
    assert busy.status_code == 409
    assert "en cours" in busy.json()["message"]
    IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(seconds=31))
    retried = world.supplier.post("/dossiers", filing(world, rpps=world.professionals[1].rpps), key="stuck")
    assert retried.status_code == 201


def test_records_are_purged_after_24_hours(world):
    world.supplier.post("/dossiers", filing(world), key="old")
    world.supplier.post("/dossiers", filing(world, rpps=world.professionals[1].rpps), key="new")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency.purge_idempotency(timedelta(hours=24)) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_a_preparation_beaten_by_another_is_a_409_not_a_500(world, monkeypatch):
    from django.db import IntegrityError

    from sons.payments import actions

    def raced(principal, limit, only):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(actions, "_prepare", raced)
    response = world.paying_agent.post("/payments/batches")
    assert response.status_code == 409
    assert "une autre préparation" in response.json()["message"]


def test_the_api_answers_a_nul_in_a_parameter_in_json(world):
    response = world.instructor.get("/dossiers", data={"state": "a\x00b"})
    assert response.status_code == 400
    answer = response.json()
    assert answer["request_id"] == response["X-Request-ID"]
    assert answer == {"code": "malformed_request", "message": "Caractère NUL interdit dans « state » : corrigez la "
                      "saisie.", "field": "state", "request_id": answer["request_id"]}  # fmt: skip
    assert Client().get("/catalogue/%00/").status_code in (400, 404)


def test_an_administrator_filing_a_dossier_gets_a_403_not_a_500(world):
    admin = Api(staff(Role.ADMIN, "admin")[1])
    response = admin.post("/dossiers", filing(world))
    assert response.status_code == 403
    assert "Membre d'un fournisseur" in response.json()["message"]

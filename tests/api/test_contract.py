"""The API's contract as an integrator relies on it: every error kind has its stable code (with the French
message, the field, the request id), a 401 says how to authenticate, throttling answers 429 with Retry-After
and every answer carries its RateLimit headers, /api/v1/ is the version and /api/ its deprecated alias."""

from types import SimpleNamespace

import pytest
from django.test import Client

from sons.api import headers
from sons.dossiers.models import Dossier
from sons.errors import CODES
from tests.worlds import filing

pytestmark = pytest.mark.django_db


def refused(response, status: int, code: str, field=None) -> dict:
    assert response.status_code == status, response.content
    answer = response.json()
    assert answer["code"] == code and code in CODES, answer
    assert CODES[code][0] == status
    assert answer["message"].strip()
    assert answer["request_id"] == response["X-Request-ID"]
    if field is not None:
        assert answer["field"] == field, answer
    return answer


def test_unknown_field_is_refused_naming_it_and_stores_nothing(world):
    body = filing(world)
    body["order"]["signed_at"] = body["order"].pop("signed_on")
    answer = refused(world.supplier.post("/dossiers", body), 422, "unknown_field", "order.signed_at")
    assert "signed_at" in answer["message"]
    assert not Dossier.objects.exists()


def test_invalid_value_lists_every_error(world):
    body = filing(world, rpps="123")
    body["order"]["signed_on"] = "pas une date"
    answer = refused(world.supplier.post("/dossiers", body), 422, "invalid_value")
    assert answer["field"]
    assert all(error["field"] and error["message"] for error in answer.get("errors") or [answer])


def test_client_taken(world):
    assert world.supplier.post("/dossiers", filing(world)).status_code == 201
    refused(world.supplier.post("/dossiers", filing(world)), 409, "client_taken")


def test_reference_taken(world):
    first = {**filing(world), "supplier_reference": "CMD-1"}
    assert world.supplier.post("/dossiers", first).status_code == 201
    again = {**filing(world, rpps=world.professionals[1].rpps), "supplier_reference": "CMD-1"}
    refused(world.supplier.post("/dossiers", again), 409, "reference_taken")


def test_not_found_forbidden_and_conflict_state(world):
    refused(world.supplier.get("/dossiers/999999"), 404, "not_found")
    dossier = world.supplier.post("/dossiers", filing(world)).json()["id"]
    refused(world.other_supplier.get(f"/dossiers/{dossier}"), 404, "not_found")  # another's: never 403
    refused(world.supplier.post("/payments/batches"), 403, "forbidden")
    refused(world.supplier.post(f"/dossiers/{dossier}/file"), 409, "conflict_state")


def test_unknown_filter_is_refused_naming_it(world):
    refused(world.supplier.get("/dossiers", data={"rppss": "1"}), 422, "unknown_field", "rppss")


def test_idempotency_reused_and_malformed_request(world):
    assert world.supplier.post("/dossiers", filing(world), key="k-1").status_code == 201
    other = filing(world, rpps=world.professionals[1].rpps)
    refused(world.supplier.post("/dossiers", other, key="k-1"), 422, "idempotency_reused", "Idempotency-Key")
    refused(world.supplier.post("/dossiers", b'{"client": ', content_type="application/json"), 422,
            "invalid_value", "corps")  # fmt: skip
    refused(world.supplier.get("/dossiers", data={"state": "a\x00b"}), 400, "malformed_request", "state")


def test_method_not_allowed_and_unknown_path(world):
    response = Client().delete("/api/v1/dossiers/bulk", headers=world.supplier.headers)
    refused(response, 405, "method_not_allowed")
    refused(Client().get("/api/v1/nulle-part", headers=world.supplier.headers), 404, "not_found")


def test_unauthenticated_carries_www_authenticate(world):
    response = Client().get("/api/v1/dossiers")
    refused(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="SONS"'
    response = Client().get("/api/v1/dossiers", headers={"Authorization": "Bearer inconnu"})
    refused(response, 401, "unauthenticated")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_server_error_and_unavailable_carry_their_code(world, monkeypatch):
    from django.db import OperationalError

    from sons.dossiers import actions

    def broken(*args, **kwargs):
        raise RuntimeError("défaut")

    client = Client(raise_request_exception=False, headers=world.supplier.headers)
    monkeypatch.setattr(actions, "file_one", broken)
    refused(
        client.post("/api/v1/dossiers", filing(world), content_type="application/json"), 500, "server_error"
    )

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(actions, "file_one", lost)
    response = client.post("/api/v1/dossiers", filing(world), content_type="application/json")
    refused(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0


def test_bulk_items_report_their_code(world):
    taken = filing(world)
    assert world.supplier.post("/dossiers", taken).status_code == 201
    misspelt = filing(world, rpps=world.professionals[1].rpps)
    misspelt["client"]["rppss"] = "1"
    bad = filing(world, rpps="123")
    report = world.supplier.post(
        "/dossiers/bulk", [taken, misspelt, bad, filing(world, rpps=world.professionals[2].rpps)]
    )
    assert report.status_code == 200
    items = report.json()["items"]
    assert [item["status"] for item in items] == ["refused", "refused", "refused", "filed"]
    assert [item["error"]["code"] for item in items[:3]] == ["client_taken", "unknown_field", "invalid_value"]


def test_throttling_answers_429_with_retry_after(world, settings, monkeypatch):
    settings.SONS_API_RATE_LIMIT = 3
    headers.WINDOW.counts.clear()
    # The window's clock held mid-window: four requests straddling the end of a real 60-s window (monotonic
    # time, which time-machine leaves alone) would find the count reset and no 429.
    monkeypatch.setattr(headers, "time", SimpleNamespace(monotonic=lambda: 30.0))
    answers = [world.supplier.get("/deadlines") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Policy"] == '"jeton";q=3;w=60'
    assert answers[0]["RateLimit"].startswith('"jeton";r=2;t=')
    refused(answers[3], 429, "rate_limited")
    assert int(answers[3]["Retry-After"]) >= 1
    assert world.instructor.get("/deadlines").status_code == 200  # per token
    headers.WINDOW.counts.clear()


def test_every_answer_carries_ratelimit_headers(world):
    for response in (world.supplier.get("/dossiers"), Client().get("/api/v1/dossiers")):
        assert response.has_header("RateLimit") and response.has_header("RateLimit-Policy")


def test_unversioned_paths_are_deprecated_aliases(world):
    current = world.supplier.get("/dossiers")
    assert not current.has_header("Deprecation")
    legacy = Client().get("/api/dossiers?state=draft", headers=world.supplier.headers)
    assert legacy.status_code == 200 and legacy.json() == current.json()
    assert legacy["Deprecation"].startswith("@")
    assert legacy["Sunset"].endswith("GMT")
    assert legacy["Link"] == '</api/v1/dossiers>; rel="successor-version"'
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/dossiers" in spec["paths"]


def test_the_same_idempotency_key_on_both_prefixes_is_one_request(world):
    first = world.supplier.post("/dossiers", filing(world), key="k-alias")
    again = Client().post("/api/dossiers", filing(world), content_type="application/json",
                          headers={**world.supplier.headers, "Idempotency-Key": "k-alias"})  # fmt: skip
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_every_input_body_refuses_an_unknown_field(world):
    dossier = world.supplier.post("/dossiers", filing(world)).json()["id"]
    answer = refused(world.instructor.post("/instruction/decisions",
                                           {"dossier_ids": [dossier], "decision": "validate", "mesage": "x"}),
                     422, "unknown_field", "mesage")  # fmt: skip
    assert "mesage" in answer["message"]
    assert Dossier.objects.get().state == "advance_filed"


def test_a_draft_is_cancelled_with_or_without_a_reason(world):
    first = world.supplier.post("/dossiers?draft=true", filing(world)).json()["id"]
    second = world.supplier.post("/dossiers?draft=true", filing(world)).json()["id"]
    response = Client().post(
        f"/api/v1/dossiers/{first}/cancel",
        b"",
        content_type="application/json",
        headers=world.supplier.headers,
    )  # no body at all, as `curl -X POST` sends
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    refused(
        world.supplier.post(f"/dossiers/{second}/cancel", {"raison": "x"}), 422, "unknown_field", "raison"
    )
    refused(world.supplier.post(f"/dossiers/{first}/cancel", {"reason": "encore"}), 409, "conflict_state")

"""Fuzz every operation of /api/openapi.json with schemathesis: no 5xx on any input, every answer is JSON,
and every 4xx carries a French « message » (and, for a refused input, the field path).

How it is wired:
- the schema is read from the running application (`from_wsgi("/api/openapi.json", …)`) and every call goes
  through Django's WSGI handler in this process, hence on the test database connection of pytest-django;
  Django's `close_old_connections` is detached from the request signals while the test runs, exactly as
  `django.test.Client` does, so a request cannot close the connection inside the test transaction;
- each operation runs with the token of the actor it is meant for (supplier, instructor, paying agent,
  ANS agent); a few cases, chosen from the case itself, go without a token, with an unknown token, with
  another supplier's token, or with an Idempotency-Key, to walk the refusal paths too;
- path identifiers are steered, most of the time, towards objects that exist (dossiers in several states,
  a pilot, payment batches, recovery cases, solution versions), so the fuzzing reaches the actions and not
  only the 404;
- bounded: at most MAX_EXAMPLES generated cases per operation (plus schemathesis' coverage cases), no
  deadline, derandomized (the same cases on every run) and no example database.
"""

import json
import traceback
import zlib

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from sons.recoveries.models import RecoveryCase
from tests.api.conftest import filing
from tests.db_factories import ProfessionalFactory, SolutionVersionFactory

MAX_EXAMPLES = 25

APPLICATION = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APPLICATION)


# --- who calls what ---------------------------------------------------------------------------------------


def actor_for(case) -> str | None:
    path, method = case.operation.path, case.method.upper()
    if path == "/api/obsolete-versions":
        return None
    if path.startswith("/api/instruction") or path.startswith("/api/recoveries"):
        return "instructor"
    if path.startswith("/api/payments"):
        return "paying_agent"
    if path.startswith("/api/registry") or (path.startswith("/api/pilots/") and method == "POST"):
        return "ans"
    return "supplier"  # dossiers, deadlines, pilot submission


# --- the world the fuzzing walks in ------------------------------------------------------------------------


@pytest.fixture
def targets(world):
    """Objects in several states, created through the API, whose ids the fuzzing is steered towards."""

    def ok(response, status=(200, 201)):
        assert response.status_code in status, response.content
        return response.json()

    supplier, instructor, payer = world.supplier, world.instructor, world.paying_agent
    paid = [ok(supplier.post("/dossiers", filing(world, rpps=p.rpps)))["id"] for p in world.professionals[:6]]
    ok(instructor.post("/instruction/decisions", {"dossier_ids": paid, "decision": "validate"}))
    batch_paid = ok(payer.post("/payments/batches"))["id"]
    ok(payer.post(f"/payments/batches/{batch_paid}/send"))
    ok(payer.post(f"/payments/batches/{batch_paid}/confirm"))
    pilot = ok(supplier.post("/pilots", {"solution_version_id": world.version.pk, "training_materials_sent": True,
                                         "clients": [{"dossier_id": i, "pv_signed": True} for i in paid[:5]]}))["id"]  # fmt: skip
    ok(supplier.post(f"/dossiers/{paid[5]}/incapacity", {"reason": "Cessation d'activité."}))
    to_complete = ok(supplier.post("/dossiers", filing(world, rpps=world.professionals[6].rpps)))["id"]
    ok(instructor.post("/instruction/decisions", {"dossier_ids": [to_complete], "decision": "request_completion",
                                                  "message": "Merci de joindre le bon de commande."}))  # fmt: skip
    draft = ok(supplier.post("/dossiers?draft=true", filing(world, rpps=world.professionals[7].rpps)))["id"]
    validated = ok(supplier.post("/dossiers", filing(world, rpps=world.professionals[4].rpps)))
    batch_prepared = None
    if validated.get("id"):
        ok(
            instructor.post(
                "/instruction/decisions", {"dossier_ids": [validated["id"]], "decision": "validate"}
            )
        )
        prepared = payer.post("/payments/batches")
        batch_prepared = prepared.json().get("id")
    pending = SolutionVersionFactory(solution=world.version.solution, pending=True)
    return {
        "dossier_id": [*paid, to_complete, draft] + ([validated["id"]] if validated.get("id") else []),
        "pilot_id": [pilot],
        "batch_id": [b for b in (batch_paid, batch_prepared) if b],
        "case_id": list(RecoveryCase.objects.values_list("pk", flat=True)),
        "version_id": [world.version.pk, pending.pk],
    }


@pytest.fixture
def server_errors():
    """Detach close_old_connections from the request signals (as django.test.Client does) and keep the
    traceback of every exception the application lets escape."""
    captured: list[str] = []

    def keep(sender, request=None, **kwargs):
        captured.append(traceback.format_exc())

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep)
    try:
        yield captured
    finally:
        got_request_exception.disconnect(keep)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- steering: one number per case decides the variations, so that runs are reproducible -------------------


def variant_of(case) -> int:
    text = repr((case.method, case.operation.path, case.path_parameters, case.query, case.body))
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def steer(case, targets: dict, variant: int) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        if name == "action":
            if variant % 5:
                case.path_parameters[name] = ("send", "confirm", "reject")[variant % 3]
        elif name in targets and targets[name] and isinstance(value, int) and value % 4:
            case.path_parameters[name] = targets[name][value % len(targets[name])]


def headers_for(case, world, variant: int) -> dict:
    actor = actor_for(case)
    headers = {}
    if actor is not None:
        roll = (variant >> 8) % 16
        if roll == 0:
            pass  # no token: 401
        elif roll == 1:
            headers["Authorization"] = "Bearer jeton-inconnu"
        elif roll == 2:
            other = "other_supplier" if actor == "supplier" else "supplier"
            headers.update(getattr(world, other).headers)
        else:
            headers.update(getattr(world, actor).headers)
    if case.method.upper() == "POST":
        roll = (variant >> 12) % 8
        if roll in (1, 2):
            headers["Idempotency-Key"] = f"fuzz-{variant:08x}"
        elif roll == 3:
            headers["Idempotency-Key"] = "fuzz-partagée".encode().decode("latin-1")
        elif roll == 4:
            headers["Idempotency-Key"] = "k" * 201
    return headers


# --- checks -------------------------------------------------------------------------------------------------

ENGLISH = ("Field required", "Input should", "Not Found", "Method not allowed", "Unauthorized", "Forbidden",
           "Internal Server Error", "Cannot parse", "Invalid")  # fmt: skip


def answers_json(ctx, response, case):
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), (
        f"réponse {response.status_code} non JSON (Content-Type: {content_type!r}) : {response.content[:300]!r}"
    )
    try:
        json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"corps JSON illisible ({error}) : {response.content[:300]!r}") from None


def client_error_has_french_message(ctx, response, case):
    if not 400 <= response.status_code < 500:
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return  # answers_json reports it
    assert isinstance(body, dict), f"erreur {response.status_code} sans objet JSON : {body!r}"
    message = body.get("message")
    assert isinstance(message, str) and message.strip(), (
        f"erreur {response.status_code} sans « message » : {body!r}"
    )
    english = [marker for marker in ENGLISH if marker in message]
    assert not english, f"message en anglais ({english}) : {message!r}"
    if "field" in body:
        assert body["field"] is None or isinstance(body["field"], str), f"« field » invalide : {body!r}"
    if response.status_code == 422 and "errors" in body:  # refused input: the field path is given
        assert isinstance(body.get("field"), str), f"erreur de saisie sans chemin de champ : {body!r}"
        for error in body["errors"]:
            assert isinstance(error.get("field"), str) and isinstance(error.get("message"), str), body


CHECKS = [not_a_server_error, answers_json, client_error_has_french_message]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])  # fmt: skip
def test_api_fuzz(case, world, targets, server_errors):
    variant = variant_of(case)
    steer(case, targets, variant)
    headers = headers_for(case, world, variant)
    server_errors.clear()
    response = case.call(headers=headers)
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except Exception as failure:
        for captured in server_errors:
            failure.add_note("Trace côté serveur :\n" + captured)
        raise

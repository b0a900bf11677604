"""Fuzz every operation of /api/openapi.json with schemathesis: no 5xx on any input, every answer is JSON,
and every 4xx carries a French « message » (and, for a refused input, the field path).

How it is wired:
- the schema is read from the application itself (`from_wsgi("/api/v1/openapi.json", …)`) and every call goes
  through Django's WSGI handler in this process, hence on pytest-django's test database connection, inside
  the test's transaction. While the test runs, `close_old_connections` is detached from the request
  signals, as `django.test.Client` does, so a request cannot close that connection; each call runs in a
  savepoint, rolled back after a 5xx, so that one database error (PostgreSQL aborts the transaction) does
  not spoil the calls that follow, as it would not in production (autocommit);
- each operation runs with the token of the actor it is meant for (supplier, instructor, paying agent, ANS
  agent); some cases, chosen from the case itself, go without a token, with an unknown token, with another
  actor's token, or with an Idempotency-Key (new, shared, too long), to walk the refusal paths too;
- identifiers (in the path, and dossier, version, RPPS and FINESS numbers in bodies) are steered, three
  times out of four, towards objects that exist (dossiers in several states, a pilot, payment batches, a
  recovery case, solution versions, clients without an order), so that the fuzzing reaches the actions and
  not only the 404;
- bounded and reproducible: at most MAX_EXAMPLES generated cases per operation, plus schemathesis' coverage
  cases (boundaries, wrong types, malformed bodies), no deadline, derandomized (the same cases on every
  run), no example database. Undeclared methods are tried once per path by `test_api_undeclared_methods`
  rather than by the coverage phase, so that one refusal shared by every path does not hide the rest;
- `test_api_edge_inputs` replays, on every run, inputs that generation reaches only by chance (NUL
  characters, identifiers beyond 64 bits, mistyped free-form objects, unreadable JSON).
"""

import json
import re
import traceback
import zlib

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from werkzeug import Client

from sons.recoveries.models import RecoveryCase
from tests.db_factories import ProfessionalFactory, SolutionVersionFactory
from tests.worlds import filing, join_through_api

MAX_EXAMPLES = 25

APPLICATION = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APPLICATION)
schema.config.phases.coverage.unexpected_methods = set()  # see test_api_undeclared_methods


@schemathesis.serializer("application/x-ndjson")
def json_lines(ctx, value) -> bytes:
    """The bulk filing also takes JSON Lines: a string is sent as is, anything else one JSON value a line."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    items = value if isinstance(value, list) else [value]
    return "\n".join(json.dumps(item) for item in items).encode()


# --- the world the fuzzing walks in ------------------------------------------------------------------------


@pytest.fixture
def targets(world):
    """Objects in several states, created through the API, towards which the fuzzing steers identifiers;
    `named` picks one of each for the edge inputs."""

    def ok(response, status=(200, 201)):
        assert response.status_code in status, response.content
        return response.json()

    supplier, instructor, payer = world.supplier, world.instructor, world.paying_agent
    paid = [ok(supplier.post("/dossiers", filing(world, rpps=p.rpps)))["id"] for p in world.professionals[:6]]
    join_through_api(supplier, "advance", *paid)  # the signed orders, joined after the filing (§6.2)
    ok(instructor.post("/instruction/decisions", {"dossier_ids": paid, "decision": "validate"}))
    batch_paid = ok(payer.post("/payments/batches"), status=(201,))["id"]
    ok(payer.post(f"/payments/batches/{batch_paid}/send"))
    ok(payer.post(f"/payments/batches/{batch_paid}/confirm"))
    pilot = supplier.post("/pilots", {"solution_version_id": world.version.pk, "training_materials_sent": True,
                                      "clients": [{"dossier_id": i, "pv_signed": True} for i in paid[:5]]})  # fmt: skip
    pilot = ok(pilot, status=(201,))["id"]
    # the advance is paid: declaring the incapacity opens a recovery case
    ok(supplier.post(f"/dossiers/{paid[5]}/incapacity", {"reason": "Cessation d'activité."}))
    to_complete = ok(supplier.post("/dossiers", filing(world, rpps=world.professionals[6].rpps)))["id"]
    asked = {"dossier_ids": [to_complete], "decision": "request_completion", "message": "Merci de préciser."}
    ok(instructor.post("/instruction/decisions", asked))
    draft = ok(supplier.post("/dossiers?draft=true", filing(world, rpps=world.professionals[7].rpps)))["id"]
    validated = ok(supplier.post("/dossiers", filing(world, rpps=ProfessionalFactory().rpps)))["id"]
    join_through_api(supplier, "advance", validated)
    ok(instructor.post("/instruction/decisions", {"dossier_ids": [validated], "decision": "validate"}))
    batch_prepared = ok(payer.post("/payments/batches"), status=(201,))["id"]
    filed = ok(supplier.post("/dossiers", filing(world, rpps=ProfessionalFactory().rpps)))["id"]
    pending = SolutionVersionFactory(solution=world.version.solution, pending=True)
    fresh = [p.rpps for p in ProfessionalFactory.create_batch(4)]  # clients without any order yet
    case = RecoveryCase.objects.get(dossier_id=paid[5]).pk
    return {
        "dossier_id": [*paid, to_complete, draft, validated, filed],
        "pilot_id": [pilot],
        "batch_id": [batch_paid, batch_prepared],
        "case_id": [case],
        "version_id": [world.version.pk, pending.pk],
        "rpps": [*fresh, world.professionals[0].rpps],
        "finess_geo": [world.centre.finess_geo],
        "named": {"paid": paid[0], "to_complete": to_complete, "filed": filed, "case": case, "pilot": pilot,
                  "fresh_rpps": fresh[0]},
    }  # fmt: skip


SERVER_TRACEBACKS: list[str] = []


def keep_traceback(sender, **kwargs):
    SERVER_TRACEBACKS.append(traceback.format_exc())


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI handler on the test connection, keeping the traceback of any exception
    the application lets escape."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(keep_traceback)
    try:
        yield
    finally:
        got_request_exception.disconnect(keep_traceback)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# --- who calls, with what: one number per case decides the variations, so that runs are reproducible ------


def actor_for(case) -> str | None:
    path, method = case.operation.path, case.method.upper()
    if path == "/api/v1/obsolete-versions":
        return None
    if path.startswith(("/api/v1/instruction", "/api/v1/recoveries", "/api/v1/exports", "/api/v1/jobs")):
        return "instructor"
    if path.startswith("/api/v1/payments"):
        return "paying_agent"
    if path.startswith("/api/v1/registry") or (path.startswith("/api/v1/pilots/") and method == "POST"):
        return "ans"
    return "supplier"  # dossiers, deadlines, pilot submission


def variant_of(case) -> int:
    text = repr((case.method, case.operation.path, case.path_parameters, case.query, case.body))
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


BODY_TARGETS = {"dossier_id": "dossier_id", "dossier_ids": "dossier_id", "solution_version_id": "version_id",
                "rpps": "rpps", "finess_geo": "finess_geo"}  # fmt: skip


def steered(value, pool: list):
    """Three times out of four, a well-typed value becomes one of the pool's (the same value, the same one)."""
    if isinstance(value, bool) or not pool:
        return value
    if isinstance(value, int) and isinstance(pool[0], int) and value % 4:
        return pool[value % len(pool)]
    if isinstance(value, str) and isinstance(pool[0], str):
        number = zlib.crc32(value.encode("utf-8", "surrogatepass"))
        return pool[number % len(pool)] if number % 4 else value
    return value


def steer_body(node, targets: dict) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            pool = targets.get(BODY_TARGETS.get(key, ""))
            if pool and isinstance(value, list):
                node[key] = [steered(item, pool) for item in value]
            elif pool:
                node[key] = steered(value, pool)
            else:
                steer_body(value, targets)
    elif isinstance(node, list):
        for item in node:
            steer_body(item, targets)


def steer(case, targets: dict, variant: int) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        if name == "action":
            if variant % 5:
                case.path_parameters[name] = ("send", "confirm", "reject")[variant % 3]
        else:
            case.path_parameters[name] = steered(value, targets.get(name, []))
    steer_body(case.body, targets)


def headers_for(case, world, variant: int) -> dict:
    """The actor's token 13 times out of 16; otherwise none, an unknown one, or another actor's. On a POST,
    an Idempotency-Key half of the time: the case's own (a replay if the case comes again), one shared by
    every POST (refused once used for another request), non-ASCII, or too long."""
    actor = actor_for(case)
    headers = {}
    if actor is not None:
        roll = (variant >> 8) % 16
        if roll == 1:
            headers["Authorization"] = "Bearer jeton-inconnu"
        elif roll == 2:
            headers.update((world.other_supplier if actor == "supplier" else world.supplier).headers)
        elif roll != 0:  # 0: no token at all
            headers.update(getattr(world, actor).headers)
    if case.method.upper() == "POST":
        roll = (variant >> 12) % 8
        if roll in (1, 2):
            headers["Idempotency-Key"] = f"fuzz-{variant:08x}"
        elif roll == 3:
            headers["Idempotency-Key"] = "fuzz-partagée"
        elif roll == 4:
            headers["Idempotency-Key"] = "clé-é".encode().decode("latin-1")  # UTF-8 bytes on the wire
        elif roll == 5:
            headers["Idempotency-Key"] = "k" * 201
    return headers


# --- checks -------------------------------------------------------------------------------------------------

ENGLISH = ("Field required", "Input should", "Not Found", "Method not allowed", "Unauthorized", "Forbidden",
           "Internal Server Error", "Cannot parse", "Invalid")  # fmt: skip


def no_exception_escapes(ctx, response, case):
    escaped = "\n".join(SERVER_TRACEBACKS)
    assert not escaped, f"exception non rattrapée dans l'application :\n{escaped}"


def json_problem(status: int, content_type: str, content: bytes) -> str | None:
    if not content_type.startswith("application/json"):
        return f"réponse {status} non JSON (Content-Type: {content_type!r}) : {content[:300]!r}"
    try:
        json.loads(content)
    except ValueError as error:
        return f"réponse {status} au JSON illisible ({error}) : {content[:300]!r}"
    return None


def message_problem(status: int, content: bytes) -> str | None:
    """A 4xx body: an object with a French « message », a string « field » if any, and for a refused input
    (pydantic's list of « errors ») the path of the field at fault."""
    if not 400 <= status < 500:
        return None
    try:
        body = json.loads(content)
    except ValueError:
        return None  # json_problem reports it
    if not isinstance(body, dict):
        return f"erreur {status} sans objet JSON : {body!r}"
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        return f"erreur {status} sans « message » : {body!r}"
    english = [marker for marker in ENGLISH if marker in message]
    if english:
        return f"erreur {status} au message en anglais ({', '.join(english)}) : {message!r}"
    if body.get("field") is not None and not isinstance(body["field"], str):
        return f"erreur {status} au « field » qui n'est pas un chemin : {body!r}"
    if status == 422 and "errors" in body:
        errors = body["errors"] if isinstance(body["errors"], list) else [None]
        named = all(
            isinstance(e, dict) and isinstance(e.get("field"), str) and e.get("message") for e in errors
        )
        if not body.get("field") or not named:
            return f"saisie refusée sans chemin de champ : {body!r}"
    return None


def documented_binary(case, status: int) -> bool:
    """A file download: its success is a binary answer (PDF, XML, CSV, XLSX), documented as such."""
    answer = case.operation.definition.raw.get("responses", {}).get(str(status), {})
    return any(
        media.get("schema", {}).get("format") == "binary" for media in answer.get("content", {}).values()
    )


def answers_json(ctx, response, case):
    content_type = (response.headers.get("content-type") or [""])[0]
    if response.status_code < 300 and documented_binary(case, response.status_code):
        return
    problem = json_problem(response.status_code, content_type, response.content)
    assert problem is None, problem


def client_error_has_french_message(ctx, response, case):
    problem = message_problem(response.status_code, response.content)
    assert problem is None, problem


CHECKS = [not_a_server_error, no_exception_escapes, answers_json, client_error_has_french_message]


def call_and_check(case, headers: dict, **kwargs) -> None:
    """One call through the WSGI handler in a savepoint (rolled back after a 5xx), then every check."""
    SERVER_TRACEBACKS.clear()
    savepoint = transaction.savepoint()
    # buffered: werkzeug reads the answer whole and closes it, as a WSGI server does (a file answer's
    # temporary file is closed then, not left to the garbage collector).
    response = case.call(headers=headers, buffered=True, **kwargs)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])  # fmt: skip
def test_api_fuzz(case, world, targets, in_process_requests):
    variant = variant_of(case)
    steer(case, targets, variant)
    call_and_check(case, headers_for(case, world, variant))


# --- edge inputs that generation reaches only by chance: the same checks, on every run ----------------------

NUL = "avec\x00nul"


def lines_labelled(text):
    return lambda world, named: {
        **filing(world, rpps=named["fresh_rpps"]),
        "order": {**filing(world)["order"], "lines": [{"label": text, "amount": "270.00"}]},
    }


EDGE_INPUTS = [
    pytest.param("GET /api/v1/dossiers", {"query": {"state": NUL}}, id="filtre-avec-NUL"),
    pytest.param("GET /api/v1/dossiers/{dossier_id}", {"path": {"dossier_id": 2**70}}, id="identifiant-hors-int64"),
    pytest.param("POST /api/v1/dossiers", {"raw": b'{"client": '}, id="json-illisible"),
    pytest.param("POST /api/v1/dossiers/{dossier_id}/completion",
                 {"path": {"dossier_id": "to_complete"}, "body": {"message": "Corrigé.", "order": {"vat_rate": "99"}}},
                 id="complement-order-taux-inconnu"),
    pytest.param("POST /api/v1/dossiers/{dossier_id}/completion",
                 {"path": {"dossier_id": "to_complete"}, "body": {"message": "Corrigé.", "order": {"lines": "x"}}},
                 id="complement-order-lignes-non-liste"),
    pytest.param("POST /api/v1/dossiers/{dossier_id}/completion",
                 {"path": {"dossier_id": "to_complete"}, "body": {"message": NUL}}, id="complement-message-avec-NUL"),
    pytest.param("POST /api/v1/dossiers/{dossier_id}/incapacity",
                 {"path": {"dossier_id": "paid"}, "body": {"reason": NUL}}, id="incapacite-motif-avec-NUL"),
    pytest.param("POST /api/v1/instruction/decisions",
                 {"body": lambda world, named: {"dossier_ids": [named["filed"]], "decision": "reject", "message": NUL}},
                 id="rejet-message-avec-NUL"),
    pytest.param("POST /api/v1/instruction/decisions",
                 {"body": lambda world, named: {"dossier_ids": [named["filed"]], "decision": "request_completion",
                                                "message": NUL}},
                 id="demande-de-complement-avec-NUL"),
    pytest.param("POST /api/v1/recoveries/{case_id}/observations",
                 {"path": {"case_id": "case"}, "body": {"reason": NUL}}, id="observations-avec-NUL"),
    pytest.param("POST /api/v1/recoveries/{case_id}/cancel",
                 {"path": {"case_id": "case"}, "body": {"reason": NUL}}, id="annulation-recouvrement-avec-NUL"),
    pytest.param("POST /api/v1/pilots/{pilot_id}/decision",
                 {"path": {"pilot_id": "pilot"}, "body": {"decision": "refuse", "reason": NUL}},
                 id="refus-pilote-avec-NUL"),
    pytest.param("POST /api/v1/dossiers", {"body": lines_labelled(NUL)}, id="depot-libelle-avec-NUL"),
    pytest.param("POST /api/v1/dossiers/bulk", {"body": lambda world, named: [lines_labelled(NUL)(world, named)]},
                 id="depot-en-masse-libelle-avec-NUL"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "given"), EDGE_INPUTS)
def test_api_edge_inputs(operation, given, world, targets, in_process_requests):
    method, path = operation.split(" ", 1)
    named = targets["named"]
    ids = {name: named.get(value, value) for name, value in given.get("path", {}).items()}
    fields = {"path_parameters": ids}
    if "query" in given:
        fields["query"] = given["query"]
    if "body" in given:
        body = given["body"]
        fields["body"] = body(world, named) if callable(body) else body
        fields["media_type"] = "application/json"
    case = schema[path][method].Case(**fields)
    headers = dict(getattr(world, actor_for(case)).headers)
    extra = {}
    if "raw" in given:
        headers["Content-Type"] = "application/json"
        extra["data"] = given["raw"]
    call_and_check(case, headers, **extra)


UNDECLARED = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.mark.django_db
def test_api_undeclared_methods(world, in_process_requests):
    """A method a path does not declare is refused with a JSON body and a French message, on every path."""
    client, wrong = Client(APPLICATION), []
    for path, item in schema.raw_schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in UNDECLARED:
            if method.lower() in item:
                continue
            response = client.open(url, method=method, headers=world.supplier.headers)
            status, content_type = response.status_code, response.headers.get("Content-Type", "")
            problem = json_problem(status, content_type, response.data) or message_problem(
                status, response.data
            )
            if status >= 500 or problem:
                wrong.append(f"{method} {url} : {problem or status}")
    assert not wrong, f"{len(wrong)} réponses hors contrat :\n" + "\n".join(wrong)

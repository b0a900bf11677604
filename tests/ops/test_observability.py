"""Request ids on answers and log lines; personal data scrubbed before Sentry; 500s logged with traceback."""

import json
import logging

import pytest
from django.test import Client

from sons.observability import RequestIdFilter, before_send, logging_config, request_id_var, scrub


@pytest.mark.django_db
def test_every_answer_carries_a_request_id():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert len(response["X-Request-ID"]) == 32
    assert Client().get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_an_insane_one_replaced():
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"] == "proxy-1234abcd"
    hostile = "a\nb" + "x" * 300
    assert Client().get("/healthz", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"] != hostile


def test_log_records_get_the_request_id():
    record = logging.LogRecord("sons", logging.INFO, __file__, 1, "message", (), None)
    token = request_id_var.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    assert record.request_id == "abc12345"
    outside = logging.LogRecord("sons", logging.INFO, __file__, 1, "message", (), None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


def test_production_logs_are_json_lines_with_the_request_id(capsys):
    from pythonjsonlogger.json import JsonFormatter

    spec = logging_config(json=True)["formatters"]["default"]
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"]))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("sons.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id_var.set("req-00000001")
    try:
        logger.error("Échec du dépôt")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = json.loads(capsys.readouterr().err.strip())
    assert line["message"] == "Échec du dépôt"
    assert line["request_id"] == "req-00000001"
    assert line["level"] == "ERROR"


def test_sentry_events_lose_rpps_iban_names_and_emails():
    event = {
        "event_id": "0123456789abcdef0123456789012345",
        "message": "Dossier du RPPS 10001234565 refusé pour jeanne.martin@example.fr",
        "exception": {
            "values": [
                {
                    "type": "SepaRefused",
                    "value": "IBAN invalide (FR76 3000 1007 9412 3456 7890 185) pour FINESS 750000015",
                    "stacktrace": {
                        "frames": [
                            {"vars": {"first_name": "Jeanne", "last_name": "MARTIN", "amount": "270.00"}}
                        ]
                    },
                }
            ]
        },
        "request": {"data": {"username": "jmartin", "rpps": "10001234565"}},
        "user": {"email": "jeanne.martin@example.fr", "id": 7},
    }
    scrubbed = json.dumps(before_send(event, {}), ensure_ascii=False)
    for secret in (
        "10001234565",
        "jeanne.martin",
        "FR76",
        "3000 1007",
        "750000015",
        "Jeanne",
        "MARTIN",
        "jmartin",
    ):
        assert secret not in scrubbed, secret
    assert "270.00" in scrubbed and "SepaRefused" in scrubbed
    assert before_send(event, {})["event_id"] == event["event_id"]


def test_scrub_keeps_structure():
    assert scrub({"a": [1, ("x", "y@z.fr")]}) == {"a": [1, ("x", "[retiré]")]}


@pytest.mark.django_db
def test_a_500_is_logged_with_its_traceback_and_request_id(caplog, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("panne simulée")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom", boom)]})
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom", HTTP_X_REQUEST_ID="incident-42abc")
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert record.request_id == "incident-42abc"  # set by the console handler's filter during the request

"""A keyed request whose worker is killed, or whose database connection is cut, leaves no key « in progress »
and nothing half-written: the client's retry with the same key runs once (issue 10, items 1 and 3)."""

import json
import threading

import pytest

from bench import faultkit
from sons.api.models import IdempotencyRecord
from sons.dossiers.models import Dossier
from tests.faults.locks import audit_head_held, waiting_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


def in_background(call):
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except OSError as error:  # the connection was cut: what a client of a killed worker sees
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def test_a_worker_killed_mid_request_leaves_the_key_free_for_the_retry(server, live_world, database_url):
    document = live_world.filing(0)
    with audit_head_held(database_url):
        thread, outcome = in_background(
            lambda: faultkit.post_json(
                server.port, "/api/dossiers", document, live_world.key, "clé-1", timeout=15
            )
        )
        assert faultkit.wait_until(lambda: waiting_on_a_lock(database_url, server.name), 30)
        for pid in server.worker_pids():  # the one holding the request, whichever it is
            server.kill_worker(pid)
        thread.join(10)
    assert "error" in outcome  # no answer: the client does not know whether it was filed
    assert faultkit.wait_until(server.ready, 30, 0.2)
    status, _, body = faultkit.post_json(server.port, "/api/dossiers", document, live_world.key, "clé-1")
    assert status == 201, body
    again = faultkit.post_json(server.port, "/api/dossiers", document, live_world.key, "clé-1")
    assert (again[0], again[1].get("Idempotent-Replayed")) == (201, "true")
    assert Dossier.objects.filter(rpps=live_world.professionals[0].rpps).count() == 1
    assert IdempotencyRecord.objects.filter(status__isnull=True).count() == 0


def test_connections_cut_mid_request_give_503_then_the_retry_files_once(server, live_world, database_url):
    document = live_world.filing(1)
    with audit_head_held(database_url):
        thread, outcome = in_background(
            lambda: faultkit.post_json(
                server.port, "/api/dossiers", document, live_world.key, "clé-2", timeout=15
            )
        )
        assert faultkit.wait_until(lambda: waiting_on_a_lock(database_url, server.name), 30)
        assert faultkit.terminate_backends(database_url, server.name) >= 1
        thread.join(10)
    status, headers, body = outcome["value"]
    assert status == 503, body
    assert headers["Retry-After"].isdigit()
    answer = json.loads(body)
    assert "Réessayez" in answer["message"] and answer["request_id"] == headers["X-Request-ID"]
    assert Dossier.objects.filter(rpps=live_world.professionals[1].rpps).count() == 0
    # The next request reconnects (CONN_HEALTH_CHECKS) and files the dossier once.
    status, _, body = faultkit.post_json(server.port, "/api/dossiers", document, live_world.key, "clé-2")
    assert status == 201, body
    assert Dossier.objects.filter(rpps=live_world.professionals[1].rpps).count() == 1


def test_idle_connections_cut_between_requests_are_reopened(server, live_world, database_url):
    assert faultkit.post_json(server.port, "/api/dossiers", live_world.filing(2), live_world.key)[0] == 201
    assert faultkit.terminate_backends(database_url, server.name) >= 1
    statuses = [
        faultkit.post_json(server.port, "/api/dossiers", live_world.filing(n), live_world.key)[0]
        for n in (3, 4, 5, 6)
    ]
    assert statuses == [201] * 4


def test_an_upload_cut_halfway_files_nothing_and_the_whole_file_is_then_filed(server, live_world):
    lines = [json.dumps(live_world.filing(n)) for n in range(10, 30)]
    body = ("\n".join(lines) + "\n").encode()
    answer = faultkit.post_cut(
        server.port, "/api/dossiers/bulk", body, live_world.key, "lot-coupé", len(body) // 2
    )
    assert b"200 OK" not in answer
    numbers = [p.rpps for p in live_world.professionals[10:30]]
    assert Dossier.objects.filter(rpps__in=numbers).count() == 0
    assert IdempotencyRecord.objects.count() == 0
    status, _, report = faultkit.post_json(
        server.port,
        "/api/dossiers/bulk",
        body,
        live_world.key,
        "lot-coupé",
        content_type="application/x-ndjson",
    )
    assert status == 200, report
    assert json.loads(report)["filed"] == 20
    assert Dossier.objects.filter(rpps__in=numbers).count() == 20

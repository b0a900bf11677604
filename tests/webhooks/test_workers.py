"""Deliveries by real worker processes (sons.jobs), on SQLite (a shared file) or PostgreSQL: a worker killed in
the middle of a delivery only delays it — the queue gives its job to another worker, which delivers the event
again under the same webhook-id (the receiver drops the duplicate)."""

import json
import os
import signal
import subprocess
import sys

from tests.jobs.harness import ROOT

from .receiver import Receiver


def call(world, function: str, *args):
    """`tests.webhooks.probe.<function>(*args)` in a process of its own, on the workers' database."""
    code = (
        "import json, sys, django; django.setup(); from tests.webhooks import probe; "
        f"print(json.dumps(probe.{function}(*json.loads(sys.argv[1]))))"
    )
    done = subprocess.run([sys.executable, "-c", code, json.dumps(args)], env=world.env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_killed_mid_delivery_only_delays_it(world):
    with Receiver(["hang"]) as receiver:  # the first request never gets its answer: the worker is killed
        (webhook_id,) = call(world, "subscribe_and_happen", receiver.url)
        first = world.worker("first")
        receiver.wait_for(1, timeout=60)
        os.killpg(first.pid, signal.SIGKILL)  # really killed, in the middle of the POST
        first.wait()
        assert call(world, "deliveries") == [["pending", 0, 0]]
        world.worker("second")
        world.wait_for(lambda: call(world, "deliveries") == [["delivered", 1, 1]], 60, "livraison reprise")
        ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids == [webhook_id, webhook_id]  # the same event again, under its stable id


def test_two_workers_deliver_each_event_once(world):
    with Receiver() as receiver:
        ids = call(world, "subscribe_and_happen", receiver.url, 40)
        world.worker("a")
        world.worker("b")
        world.wait_for(lambda: len(receiver.requests) >= 40, 90, "40 livraisons")
        world.wait_for(lambda: all(d[0] == "delivered" for d in call(world, "deliveries")), 30, "livrées")
        got = sorted(r.headers["webhook-id"] for r in receiver.requests)
    assert got == sorted(ids)

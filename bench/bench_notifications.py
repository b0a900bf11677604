"""Benchmark of webhooks (and e-mails): N state changes (a bulk validation) delivered to a local receiver by two
workers.

    .venv/bin/python bench/bench_notifications.py [--changes 10000] [--workers 2] [--emails] [--keep]

With --emails, the publisher also has a member who wants immediate e-mails, and an SMTP server (aiosmtpd) runs
in this process: each change then produces its webhook AND its e-mail, delivered by the same workers, and the
e-mails get their own line (matched to their events by the `X-SONS-Event` header).

1. (Re)creates the PostgreSQL database bench_notifications (postgres@127.0.0.1:5432), migrates it, seeds one
   enrolled publisher with a referenced version and N professionals, and files N advance requests through the
   domain's bulk filing (sons.dossiers.actions.file_many), each with its signed order's copy joined after (a
   row, no PDF: the validation requires it, §6.2); the jobs these filings queued are dropped.
2. Starts an HTTP receiver in this process (127.0.0.1, a thread per request) that notes when each webhook-id
   arrives, subscribes the organisation to « request.validated » (sons.webhooks.services), and starts
   `--workers` worker processes (`manage.py worker`).
3. An instructor validates the N dossiers (sons.dossiers.actions.decide_many, each in its own transaction, as
   the API's bulk decision does): each validation records its event, and its delivery, in its transaction.
4. Waits for every event to arrive (or 120 s without progress); then writes N more events at once, in one
   transaction (sons.notifications.events.record_events, as a bulk step writes them), to measure the delivery
   alone, and waits for them too.
5. Prints, for each phase: the events delivered per second (from the first change to the last arrival), the
   delay from each change to its delivery (the event's occurred_at to its arrival at the receiver) at p50 and
   p95, and how many events were lost (never arrived); the validations per second; the requests received
   twice. Drops the database unless --keep.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_world  # noqa: E402

DB_NAME = api_world.database_name("bench_notifications")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
CHUNK = 500  # dossiers per bulk decision (the API takes up to 5 000)


def environment(smtp_port: int = 0) -> dict[str, str]:
    extra = {"DJANGO_SETTINGS_MODULE": "bench.settings_notify", "SONS_BENCH_SMTP_PORT": str(smtp_port)}
    return api_world.environment(DATABASE_URL, SONS_JOBS_BEAT_SECONDS="1", SONS_JOBS_STALE_SECONDS="10",
                                 **(extra if smtp_port else {}))  # fmt: skip


class Mailbox:
    """aiosmtpd's handler: the first arrival (this process's clock) of each e-mail, by its event id."""

    def __init__(self):
        self.first: dict[str, float] = {}
        self.messages = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        now = time.time()
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages += 1
            self.first.setdefault(str(message["X-SONS-Event"]).strip(), now)
        return "250 OK"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **api_world.PG) as connection:
        connection.execute(sql)


def receive(port_out, log_path: str) -> None:
    """The receiver, in a process of its own (forked: the same clock as this one): one line per request,
    « webhook-id arrival occurred_at », appended to `log_path`; answers 204."""
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            now = time.time()
            occurred = datetime.fromisoformat(json.loads(body)["timestamp"]).timestamp()
            with lock:
                log.write(f"{self.headers.get('webhook-id', '')} {now} {occurred}\n")
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


class Arrivals:
    """What the receiver's log says: the first arrival of each webhook-id, its event's time, the requests."""

    def __init__(self, log_path: str):
        self.log_path = log_path
        self.first: dict[str, float] = {}
        self.occurred: dict[str, float] = {}
        self.requests = 0

    def read(self) -> int:
        self.first, self.occurred, self.requests = {}, {}, 0
        for line in Path(self.log_path).read_text().splitlines():
            webhook_id, arrived, occurred = line.split()
            self.requests += 1
            if webhook_id not in self.first:
                self.first[webhook_id], self.occurred[webhook_id] = float(arrived), float(occurred)
        return len(self.first)


def prepare(changes: int):
    """The world, N filed dossiers, an instructor; the queue emptied. (world, dossier ids, instructor)."""
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from sons.dossiers.models import Dossier
    from sons.suppliers.enums import Role
    from sons.suppliers.models import Membership
    from sons.suppliers.perms import Principal

    world = api_world.seed(changes)
    filed = api_world.preload(world, world.rpps)
    assert filed == changes, f"{filed} dossiers déposés sur {changes}"
    api_world.join_orders(list(Dossier.objects.values_list("pk", flat=True)))  # §6.2: before the validation
    DBTaskResult.objects.all().delete()  # the filings' own notifications: not what is measured
    user = get_user_model().objects.create_user(username="instructeur-banc", password="x")
    Membership.objects.create(user=user, role=Role.ASP_INSTRUCTOR)
    api_world.analyse()
    ids = list(
        Dossier.objects.filter(supplier_id=world.organisation_id).order_by("pk").values_list("pk", flat=True)
    )
    return world, ids, Principal.for_user(user)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run(changes: int, workers: int, smtp_port: int = 0, mailbox: Mailbox | None = None) -> dict:
    from django.db import transaction

    from sons.dossiers import actions
    from sons.dossiers.models import Dossier
    from sons.notifications.enums import EventKind
    from sons.notifications.events import record_events
    from sons.webhooks import services
    from sons.webhooks.models import Delivery

    started = time.perf_counter()
    world, ids, instructor = prepare(changes)
    print(f"préparation : {changes} dossiers déposés en {time.perf_counter() - started:.0f} s", flush=True)
    log_path = tempfile.mktemp(prefix="bench-webhooks-", suffix=".log")
    Path(log_path).touch()
    ports = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=receive, args=(ports, log_path), daemon=True)
    receiver.start()
    arrivals = Arrivals(log_path)
    url = f"http://127.0.0.1:{ports.get(timeout=30)}/webhooks"
    supplier = api_world._principal(world)
    services.create_subscription(supplier, url, [EventKind.VALIDATED], "banc d'essai")
    if mailbox is not None:  # a member told at once by e-mail (the members' default)
        from django.contrib.auth import get_user_model

        from sons.suppliers.enums import Role
        from sons.suppliers.models import Membership

        member = get_user_model().objects.create_user("membre-banc", email="membre@editeur.fr", password="x")
        Membership.objects.create(
            user=member, role=Role.SUPPLIER_MEMBER, organisation_id=world.organisation_id
        )
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.05"],
            cwd=ROOT,
            env=environment(smtp_port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(workers)
    ]
    try:
        from sons.jobs.models import WorkerBeat

        deadline = time.time() + 120
        while WorkerBeat.objects.count() < workers and time.time() < deadline:
            time.sleep(0.2)  # the workers' start-up: each writes its beat once ready
        begin = time.time()
        refused = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in=chunk)}
            report = actions.decide_many(instructor, {pk: dossiers.get(pk) for pk in chunk}, "validate", "")
            refused += sum(1 for line in report if line["status"] != "ok")
        changed_in = time.time() - begin
        expected = changes - refused
        wait_for(arrivals, expected)
        validations_ids, validations_begin = set(arrivals.first), begin
        validations = figures(arrivals, validations_ids, begin, expected)
        validations.update(changes=changes, refused=refused, changes_per_s=changes / changed_in)
        # The delivery alone: as many events written at once (one transaction, as a bulk step writes them).
        before = set(arrivals.first)
        begin = time.time()
        with transaction.atomic():
            record_events(
                [(EventKind.VALIDATED, world.organisation_id, None, {"n": n}) for n in range(changes)]
            )
        wait_for(arrivals, len(before) + changes)
        burst = figures(arrivals, set(arrivals.first) - before, begin, changes)
        emails = None
        if mailbox is not None:  # the e-mails of the validations (those of the burst are left out)
            wanted = set(validations_ids)
            wait_for_mail(mailbox, wanted)
            emails = mail_figures(mailbox, wanted, arrivals.occurred, validations_begin, expected)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        receiver.terminate()
        Path(log_path).unlink(missing_ok=True)
    delivered = Delivery.objects.filter(state="delivered").count()
    return {"validations": validations, "burst": burst, "emails": emails, "delivered_rows": delivered,
            "workers": workers}  # fmt: skip


def wait_for_mail(mailbox: Mailbox, wanted: set[str], quiet: float = 120) -> None:
    last, seen = time.time(), 0
    while len(wanted & set(mailbox.first)) < len(wanted) and time.time() - last < quiet:
        time.sleep(0.5)
        if len(mailbox.first) != seen:
            seen, last = len(mailbox.first), time.time()


def mail_figures(mailbox: Mailbox, wanted: set[str], occurred: dict, begin: float, expected: int) -> dict:
    arrived = wanted & set(mailbox.first)
    delays = [mailbox.first[i] - occurred[i] for i in arrived]
    end = max((mailbox.first[i] for i in arrived), default=begin)
    return {
        "expected": expected, "arrived": len(arrived), "lost": expected - len(arrived),
        "duplicates": 0, "events_per_s": len(arrived) / (end - begin) if arrived else 0.0,
        "p50": percentile(delays, 0.50), "p95": percentile(delays, 0.95), "max": max(delays, default=float("nan")),
    }  # fmt: skip


def wait_for(arrivals: Arrivals, count: int, quiet: float = 120) -> None:
    """Until `count` distinct webhook-ids have arrived, or nothing new for `quiet` seconds."""
    last, seen = time.time(), 0
    while arrivals.read() < count and time.time() - last < quiet:
        time.sleep(0.5)
        if len(arrivals.first) != seen:
            seen, last = len(arrivals.first), time.time()


def figures(arrivals: Arrivals, ids: set[str], begin: float, expected: int) -> dict:
    delays = [arrivals.first[i] - arrivals.occurred[i] for i in ids]
    end = max((arrivals.first[i] for i in ids), default=begin)
    return {
        "expected": expected, "arrived": len(ids), "lost": expected - len(ids),
        "duplicates": arrivals.requests - len(arrivals.first),
        "events_per_s": len(ids) / (end - begin) if ids else 0.0,
        "p50": percentile(delays, 0.50), "p95": percentile(delays, 0.95), "max": max(delays, default=float("nan")),
    }  # fmt: skip


def shown(r: dict) -> str:
    return (f"{r['arrived']} livrés sur {r['expected']}, {r['events_per_s']:.0f} événements/s ; délai changement → "
            f"livraison p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, max {r['max'] * 1000:.0f} ms ; "
            f"perdus : {r['lost']}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="garder la base bench_notifications")
    parser.add_argument("--emails", action="store_true", help="un courriel aussi par changement (SMTP local)")
    options = parser.parse_args()
    mailbox, controller, smtp_port = None, None, 0
    if options.emails:
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:  # a free port for the SMTP server
            probe.bind(("127.0.0.1", 0))
            smtp_port = probe.getsockname()[1]
        mailbox = Mailbox()
        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
    admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT,
                   env=environment(), check=True)  # fmt: skip
    os.environ.update({k: v for k, v in environment(smtp_port).items() if k != "PYTHONPATH"})
    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per message
    try:
        r = run(options.changes, options.workers, smtp_port, mailbox)
    finally:
        if controller is not None:
            controller.stop()
        if not options.keep:
            from django.db import connections

            connections.close_all()
            admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    v, b = r["validations"], r["burst"]
    print(f"Webhooks, PostgreSQL, {r['workers']} travailleurs, récepteur local (127.0.0.1)")
    print(f"  {v['changes']} validations ({v['refused']} refusées, {v['changes_per_s']:.0f} validations/s, chacune dans "
          f"sa transaction) : {shown(v)}")  # fmt: skip
    print(f"  {b['expected']} événements écrits d'un coup (une transaction) : {shown(b)}")
    if r["emails"] is not None:
        e = r["emails"]
        print(f"  courriels des {v['changes']} validations : {e['arrived']} reçus sur {e['expected']}, "
              f"{e['events_per_s']:.0f} courriels/s ; délai changement → courriel p50 {e['p50'] * 1000:.0f} ms, "
              f"p95 {e['p95'] * 1000:.0f} ms, max {e['max'] * 1000:.0f} ms ; perdus : {e['lost']} "
              f"({mailbox.messages} courriels reçus en tout, rafale comprise)")  # fmt: skip
    print(f"  perdus : {v['lost'] + b['lost']} ; reçus en double : {b['duplicates']} ; "
          f"livraisons enregistrées : {r['delivered_rows']}")  # fmt: skip
    lost_mail = r["emails"]["lost"] if r["emails"] is not None else 0
    return 0 if v["lost"] + b["lost"] + lost_mail == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

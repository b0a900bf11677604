"""Benchmark of notifications: N state changes (a bulk validation by an instructor) produce their events, and
two workers deliver their e-mails to a local SMTP server (aiosmtpd on 127.0.0.1). Reports the events per
second, the delay from the change to the e-mail's arrival (p50, p95) and the loss (events whose e-mail never
came), on PostgreSQL.

    .venv/bin/python bench/bench_notify.py [--changes 10000] [--workers 2] [--keep]

1. (Re)creates the database bench_notify, migrates it, seeds one enrolled publisher with N clients and files
   their N advance requests (sons.dossiers.actions.file_many), each with its signed order's copy joined after (a
   row, no PDF: the validation requires it, §6.2); the jobs of those filings are dropped, then the publisher
   gets one member with an e-mail address (immediate e-mails, the members' default).
2. Starts the SMTP server here and `--workers` worker processes (`manage.py worker`, settings
   bench.settings_notify), then validates the N dossiers with `decide_many` (each its own transaction, its
   event and fan-out job committed with it). Delivery runs while the validation goes on: it is off the path.
3. Waits for every e-mail (or 120 s without any), stops the workers, prints the figures and drops the database
   unless --keep. The arrival of each e-mail is matched to its event by the `X-SONS-Event` header.
"""

from __future__ import annotations

import argparse
import email
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_world  # noqa: E402

DB_NAME = api_world.database_name("bench_notify")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
SETTINGS = "bench.settings_notify"


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **api_world.PG) as connection:
        connection.execute(sql)


class Arrivals:
    """aiosmtpd's handler: the arrival time (this process's clock) of each message, by its event id."""

    def __init__(self):
        self.at: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.at.setdefault(str(message["X-SONS-Event"]).strip(), []).append(now)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return sum(len(times) for times in self.at.values())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--deferred",
        action="store_true",
        help="workers started after the changes: the delivery's own rate (a backlog drained)",
    )
    args = parser.parse_args()

    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = api_world.environment(DATABASE_URL, DJANGO_SETTINGS_MODULE=SETTINGS, SONS_BENCH_SMTP_PORT=str(port),
                                SONS_BENCH_EPOCH=str(time.time()))  # fmt: skip
    admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from sons.dossiers import actions
    from sons.dossiers.models import Dossier
    from sons.notifications.enums import EventKind
    from sons.notifications.models import Event
    from sons.suppliers.enums import Role
    from sons.suppliers.models import Membership
    from sons.suppliers.perms import Principal

    world = api_world.seed(args.changes)
    filed = api_world.preload(world, world.rpps)
    api_world.join_orders(list(Dossier.objects.values_list("pk", flat=True)))  # §6.2: before the validation
    DBTaskResult.objects.all().delete()  # the filings' own notifications are not measured
    member = get_user_model().objects.create_user("membre", email="membre@editeur.fr", password="x")
    Membership.objects.create(user=member, role=Role.SUPPLIER_MEMBER, organisation_id=world.organisation_id)
    agent = get_user_model().objects.create_user("instructrice", password="x")
    Membership.objects.create(user=agent, role=Role.ASP_INSTRUCTOR)
    instructor = Principal.for_user(agent)
    api_world.analyse()

    arrivals = Arrivals()
    controller = Controller(arrivals, hostname="127.0.0.1", port=port)
    controller.start()

    def start_workers():
        return [
            subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(args.workers)
        ]

    workers = [] if args.deferred else start_workers()
    try:
        dossiers = {d.pk: d for d in Dossier.objects.select_related("solution_version").order_by("pk")}
        started = time.time()
        report = actions.decide_many(instructor, dossiers, "validate", "")
        changed = time.time() - started
        if args.deferred:
            started = time.time()
            workers = start_workers()
        validated = sum(1 for row in report if row["status"] == "ok")
        events = dict(Event.objects.filter(kind=EventKind.VALIDATED).values_list("pk", "occurred_at"))
        expected = {f"evt_{pk}": at.timestamp() for pk, at in events.items()}
        last, seen = time.time(), 0
        while arrivals.count() < len(expected) and time.time() - last < 120:
            time.sleep(0.5)
            if arrivals.count() != seen:
                seen, last = arrivals.count(), time.time()
        finished = time.time()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        controller.stop()
    delays = [min(arrivals.at[eid]) - at for eid, at in expected.items() if eid in arrivals.at]
    lost = len(expected) - len(delays)
    duplicates = sum(len(times) - 1 for eid, times in arrivals.at.items() if eid in expected)
    last_arrival = max((max(times) for times in arrivals.at.values()), default=started)
    span = max(last_arrival - started, 1e-9)
    print(
        f"Dossiers déposés : {filed} ; validés : {validated} en {changed:.1f} s ({validated / changed:.0f}/s)"
    )
    print(f"Événements « demande validée » : {len(expected)} ; courriels reçus : {len(delays)} "
          f"(perdus : {lost}, doublons : {duplicates}) par {args.workers} travailleurs")  # fmt: skip
    origin = "du démarrage des travailleurs" if args.deferred else "du premier changement"
    print(f"Débit : {len(delays) / span:.0f} événements/s ({origin} au dernier courriel, {span:.1f} s)")
    print(f"Délai changement → courriel : p50 {statistics.median(delays) if delays else float('nan'):.2f} s, "
          f"p95 {percentile(delays, 0.95):.2f} s, max {max(delays, default=float('nan')):.2f} s")  # fmt: skip
    if not args.deferred:
        print(f"Attente après la dernière validation : {finished - started - changed:.1f} s")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Fault-injection suite: real processes killed, real connections cut, on 127.0.0.1 only.

    .venv/bin/python bench/faults.py [--database NAME] [--quick] [--seconds 60] [--clients 20]
                                     [--restart-postgres] [--cases load,import,batches,uploads,daily,job,dump]

Creates the PostgreSQL database NAME (default: the name of SONS_TEST_DATABASE_URL's database, or « sons »,
followed by « _faults » and SONS_BENCH_DB_SUFFIX), migrates it, runs each case, prints one table, and drops
the database (unless --keep). Every loop is bounded in count and in time.

Cases (what is applied → what is checked):
- load: N clients file dossiers with an Idempotency-Key each for S seconds through gunicorn (2 workers),
  retrying the same key when they get no answer or a 503; a worker is killed at 1/4 and 3/4 of the run, and
  PostgreSQL restarted at 1/2 (`pg_ctlcluster … restart` with --restart-postgres, else every connection of
  the application cut with pg_terminate_backend). Acknowledged filings (201 received) are all in the
  database, once; no 500; recovery time = from the fault to the first filing acknowledged after it.
- import: `sons import rpps --apply` killed (SIGKILL) at five moments of its run, on PostgreSQL and on SQLite
  (SQLite unless --quick): the live directory unchanged, its workers gone, its work tables dropped by the
  next import.
- batches: four paying agents prepare batches at once through the API, one of their workers killed
  mid-way: every validated request paid once, no 500.
- uploads: bulk JSON Lines uploads cut halfway, then sent whole with the same key: nothing half-filed.
- daily: two `sons deadlines` at once: each recovery opened once, both exit 0.
- job: the queue's worker killed in the middle of the daily job; another worker retries it: done once.
- dump: pg_dump, restore into a new database, `sons audit verify` there (checkpoints included), every
  table's count compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench import faultkit  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
FILED_ON = "2026-09-01"  # inside the filing window
DATE_5_PASSED = "2028-02-16"  # the day after Date 5: advances paid without balance are due back


@dataclass
class Row:
    case: str
    database: str
    faults: int
    acknowledged: int
    found: int
    duplicates: int = 0
    server_errors: int = 0  # 500
    unavailable: int = 0  # 503 (only while the database restarts)
    stuck: int = 0  # keys left « in progress », or unanswered after the faults
    stray: int = 0  # tables or processes left behind
    recovery: float | None = None  # seconds
    note: str = ""
    late_503: int = 0  # 503 answered outside the database's restart window

    @property
    def lost(self) -> int:
        return max(0, self.acknowledged - self.found)

    @property
    def ok(self) -> bool:
        recovered = self.recovery is None or self.recovery != float("inf")
        return recovered and not (
            self.lost or self.duplicates or self.server_errors or self.stuck or self.stray
        )


# ---------------------------------------------------------------------------------------------- database


def default_name() -> str:
    test_url = os.environ.get("SONS_TEST_DATABASE_URL", "")
    base = urlparse(test_url).path.lstrip("/") if test_url else "sons"
    return f"{base}_faults{os.environ.get('SONS_BENCH_DB_SUFFIX', '')}"


def admin_execute(sql: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def create(name: str) -> str:
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def migrate(url: str) -> None:
    subprocess.run([str(faultkit.BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                   env=faultkit.environment(url, "sons-faults-migrate"), check=True)  # fmt: skip


def configure(url: str, checkpoints: str) -> None:
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": faultkit.SETTINGS,
                       "SONS_AUDIT_CHECKPOINT_DIR": checkpoints, "PGAPPNAME": "sons-faults-bench"})  # fmt: skip
    import django

    django.setup()


def wait_for_postgres(timeout: float = 60) -> None:
    def up() -> bool:
        try:
            with psycopg.connect(f"{PG}/postgres", connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    faultkit.wait_until(up, timeout, 0.2)


def restart_postgres(real: bool, url: str, application_name: str) -> None:
    if real:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"], check=True,
                       capture_output=True, timeout=120)  # fmt: skip
        wait_for_postgres()
    else:
        faultkit.terminate_backends(url, application_name)


# ------------------------------------------------------------------------------------------------ world


@dataclass
class World:
    key: str
    version_id: int
    numbers: list[str]
    instructor: object
    paying_keys: list[str] = field(default_factory=list)


def seed(professionals: int) -> World:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from sons.directory.models import Professional
    from sons.registry.models import Publisher, Solution, SolutionVersion
    from sons.rules.contract import PROFILES
    from sons.rules.identifiers import with_luhn_key
    from sons.suppliers.models import ApiToken, Enrolment, Membership, Organisation
    from sons.suppliers.perms import Principal

    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Éditeur des pannes", siren=with_luhn_key("73282932"), iban="FR7630006000011234567890189",
            bic="AGRIFRPP", psc_user_service_operator=True, hosts_health_data=False, sworn_statement=True,
        )  # fmt: skip
        Enrolment.objects.create(organisation=organisation, state="validated", filed_on=date(2026, 3, 2))
        publisher = Publisher.objects.create(name=organisation.name, organisation=organisation)
        solution = Solution.objects.create(publisher=publisher, name="Logiciel des pannes")
        version = SolutionVersion.objects.create(
            solution=solution, version="2.0", profiles=list(PROFILES), candidature_validated=True,
            complete_dossier_on=date(2026, 5, 1), referencing="granted", referenced_on=date(2026, 6, 1),
        )  # fmt: skip
        numbers = [with_luhn_key(f"1{n:09d}") for n in range(professionals)]
        Professional.objects.bulk_create(
            [Professional(rpps=number, last_name=f"Nom{n}", first_name="Prénom", profession="ide",
                          practice="liberal", registered_with_order=True) for n, number in enumerate(numbers)],
            batch_size=5000,
        )  # fmt: skip
        _, key = ApiToken.issue("pannes", organisation=organisation)
        users = get_user_model().objects
        instructor = users.create_user("instructeur-pannes", password="x")
        Membership.objects.create(user=instructor, role="asp_instructor")
        paying = []
        for n in range(4):
            user = users.create_user(f"payeur-pannes-{n}", password="x")
            Membership.objects.create(user=user, role="asp_paying_agent")
            paying.append(ApiToken.issue("payeur", user=user)[1])
    return World(key, version.pk, numbers, Principal.for_user(instructor), paying)


class Numbers:
    def __init__(self, world: World):
        self.world, self.used = world, 0

    def take(self, count: int) -> list[str]:
        chunk = self.world.numbers[self.used : self.used + count]
        if len(chunk) < count:
            raise SystemExit("Pas assez de professionnels dans l'annuaire du banc.")
        self.used += count
        return chunk


def filing(world: World, number: str) -> dict:
    return {
        "client": {"rpps": number}, "solution_version_id": world.version_id, "de_minimis_other_aid": "0.00",
        "order": {"in_client_name": True, "issued_on": "2026-08-01", "signed_on": "2026-08-10",
                  "signature": "handwritten", "lines": [{"label": "Prestation Ségur", "amount": "270.00"}],
                  "vat_rate": "20", "mention_state_funded": True, "mention_conditional_referencing": False},
    }  # fmt: skip


def validated(world: World, numbers: list[str]) -> list[int]:
    """Dossiers filed, their signed order's copy joined (a row, no PDF: §6.2) and their advance validated, in
    process."""
    from bench.api_world import join_orders
    from sons import clock
    from sons.dossiers import actions
    from sons.suppliers.models import Organisation
    from sons.suppliers.perms import Principal

    organisation = Organisation.objects.get(name="Éditeur des pannes")
    supplier = Principal("supplier_member", "pannes", None, organisation)
    with clock.as_of(date.fromisoformat(FILED_ON)):
        results = [
            r for r in actions.file_many(supplier, [filing(world, n) for n in numbers]) if r.error is None
        ]
        join_orders([r.dossier.pk for r in results])
        return [actions.validate(world.instructor, r.dossier).pk for r in results]


def paid(world: World, numbers: list[str]) -> int:
    """Advances validated and paid (a batch prepared, sent, confirmed), in process."""
    from django.contrib.auth import get_user_model

    from sons import clock
    from sons.payments.actions import confirm_batch, prepare_batch, send_batch
    from sons.suppliers.perms import Principal

    ids = validated(world, numbers)
    agent = Principal.for_user(get_user_model().objects.get(username="payeur-pannes-0"))
    with clock.as_of(date.fromisoformat(FILED_ON)):
        confirm_batch(agent, send_batch(agent, prepare_batch(agent)))
    return len(ids)


def held_audit_head(url: str):
    """A connection holding the audit journal's head: every write stops mid-transaction until released."""
    holder = psycopg.connect(url)
    holder.execute("SELECT * FROM audit_audithead WHERE id = 1 FOR UPDATE")
    return holder


def waiting(url: str, application_name: str) -> bool:
    with faultkit.admin(url) as admin:
        return (
            admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s "
                "AND wait_event_type = 'Lock'",
                [application_name],
            ).fetchone()[0]
            > 0
        )


# ------------------------------------------------------------------------------------------------ cases


def case_load(url: str, world: World, numbers: Numbers, args) -> list[Row]:
    from django.db import connection

    from sons.api.models import IdempotencyRecord
    from sons.dossiers.models import Dossier

    name = f"sons-faults-load-{uuid.uuid4().hex[:6]}"
    per_client = max(5, int(args.seconds * 8))
    plans = [[(n, str(uuid.uuid4())) for n in numbers.take(per_client)] for _ in range(args.clients)]
    acknowledged: set[str] = set()
    statuses: list[tuple[float, int]] = []  # (time the answer came, status)
    unanswered: list[tuple[str, str]] = []
    lock = threading.Lock()
    start = stop_at = 0.0

    def client(plan):
        for number, key in plan:
            if time.monotonic() > stop_at:
                return
            for _ in range(40):  # bounded retries of the same key
                try:
                    status, headers, _ = faultkit.post_json(server.port, "/api/dossiers", filing(world, number),
                                                            world.key, key, timeout=15)  # fmt: skip
                except OSError:
                    status, headers = 0, {}
                with lock:
                    statuses.append((time.monotonic(), status))
                if status == 201:
                    with lock:
                        acknowledged.add(number)
                    break
                if status in (0, 502, 503, 500):
                    time.sleep(min(float(headers.get("Retry-After", 0.2)), 1.0))
                    continue
                break  # a refusal (4xx): the client would not retry it
            else:
                with lock:
                    unanswered.append((number, key))

    faults: list[float] = []
    with faultkit.Server(url, workers=2, timeout=30, name=name) as server:
        start = time.monotonic()
        stop_at = start + args.seconds
        threads = [threading.Thread(target=client, args=(plan,), daemon=True) for plan in plans]
        for thread in threads:
            thread.start()
        for fraction, action in ((0.25, "kill"), (0.5, "restart"), (0.75, "kill")):
            time.sleep(max(0.0, start + fraction * args.seconds - time.monotonic()))
            faults.append(time.monotonic())
            if action == "kill":
                server.kill_worker()
            else:
                connection.close()
                restart_postgres(args.restart_postgres, url, name)
        for thread in threads:
            thread.join(args.seconds + 120)
        # Every key whose answer was lost is sent once more: none may be stuck.
        stuck = 0
        probe = [(n, str(uuid.uuid4())) for n in numbers.take(1)]  # the service answers after the last fault
        for number, key in [*unanswered, *probe]:
            status, _, _ = faultkit.post_json(
                server.port, "/api/dossiers", filing(world, number), world.key, key
            )
            statuses.append((time.monotonic(), status))
            if status == 201:
                acknowledged.add(number)
            else:
                stuck += 1
        workers = server.worker_pids()
    connection.close()
    stray = sum(
        1 for pid in workers if faultkit.wait_until(lambda pid=pid: not faultkit.alive(pid), 10) is False
    )
    everyone = [n for plan in plans for n, _ in plan] + [n for n, _ in probe]
    rows = list(Dossier.objects.filter(rpps__in=everyone).values_list("rpps", flat=True))
    found = len(acknowledged & set(rows))
    stuck += IdempotencyRecord.objects.filter(status__isnull=True).count()
    # Recovery: from the fault to the first filing acknowledged after its last failed answer (no answer,
    # 5xx) before the next fault — the service is back, for good.
    recoveries = []
    for moment, following in zip(faults, [*faults[1:], float("inf")], strict=True):
        failures = [t for t, status in statuses if status in (0, 500, 502, 503) and moment <= t < following]
        settled = max(failures, default=moment)
        after = [t for t, status in statuses if t > settled and status == 201]
        recoveries.append(min(after) - moment if after else float("inf"))
    restart = faults[1]
    late_503 = sum(1 for t, s in statuses if s == 503 and not restart <= t <= restart + recoveries[1])
    kind = "pg_ctlcluster restart" if args.restart_postgres else "connexions coupées"
    return [Row(
        f"{args.clients} clients × {args.seconds:.0f} s, 2 workers tués, PostgreSQL redémarré ({kind})",
        "PostgreSQL", len(faults), len(acknowledged), found, duplicates=len(rows) - len(set(rows)),
        server_errors=sum(1 for _, s in statuses if s == 500), unavailable=sum(1 for _, s in statuses if s == 503),
        stuck=stuck, stray=stray, recovery=max(recoveries), late_503=late_503,
        note=f"{len(statuses)} réponses, dont {sum(1 for _, s in statuses if s == 0)} coupées ; 503 hors de la "
        f"fenêtre du redémarrage : {late_503} ; reprise après chaque panne (s) : "
        + ", ".join(f"{r:.2f}" for r in recoveries),
    )]  # fmt: skip


FRACTIONS = (0.1, 0.3, 0.5, 0.65, 0.8)  # of a clean run's duration: the five moments of the kill


def case_import(url: str, args, engine: str) -> list[Row]:
    from sons.directory.imports.rpps_generator import write
    from sons.directory.imports.swap import WORK_TABLES

    folder = Path(tempfile.mkdtemp(prefix="sons-faults-import-"))
    try:
        if engine == "sqlite":
            url = f"sqlite:///{folder / 'h_secfaults_faults.sqlite3'}"
            migrate(url)
        rows = 20_000 if args.quick else 300_000
        first, second = (folder / f"PS_LibreAcces_Personne_activite_2026010{n}0000.txt" for n in (1, 2))
        write(first, rows, seed=1)
        write(second, rows, seed=2)
        name = f"sons-faults-import-{uuid.uuid4().hex[:6]}"
        env = faultkit.environment(url, name)

        def run(path, *extra) -> subprocess.Popen:
            return subprocess.Popen([str(faultkit.BIN / "sons"), "import", "rpps", str(path), *extra], cwd=ROOT,
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip

        def directory() -> tuple[int, set[str]]:
            if engine == "sqlite":
                import sqlite3

                with sqlite3.connect(urlparse(url).path, timeout=30) as db:
                    count = db.execute("SELECT count(*) FROM directory_professional").fetchone()[0]
                    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            else:
                with faultkit.admin(url) as db:
                    count = db.execute("SELECT count(*) FROM directory_professional").fetchone()[0]
                    tables = {
                        r[0]
                        for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    }
            return count, tables & set(WORK_TABLES)

        run(second, "--apply").communicate(timeout=600)
        replaced, _ = directory()  # the directory the killed imports would install
        started = time.monotonic()
        baseline = run(first, "--apply")
        baseline.communicate(timeout=600)
        duration = time.monotonic() - started
        before, _ = directory()
        stray_processes, dying, killed_count, finished, committed = 0, [], 0, 0, 0
        for fraction in FRACTIONS:
            process = run(second, "--apply")
            deadline = time.monotonic() + fraction * duration
            children: set[int] = set()
            while time.monotonic() < deadline and process.poll() is None:
                children |= set(faultkit.children(process.pid))
                time.sleep(0.01)
            children |= set(faultkit.children(process.pid))
            if process.poll() is not None:  # quicker than the measured run: it finished before the moment
                process.communicate(timeout=30)
                finished += 1
                run(first, "--apply").communicate(timeout=600)  # the baseline directory again
                continue
            killed = time.monotonic()
            os.kill(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)
            killed_count += 1
            gone = faultkit.wait_until(lambda children=children: not any(map(faultkit.alive, children)), 10)
            dying.append(time.monotonic() - killed)
            stray_processes += 0 if gone else 1
            after, _ = directory()
            if after == replaced != before:  # killed after its commit: the new directory, whole
                committed += 1
                run(first, "--apply").communicate(timeout=600)
            elif after != before:
                note = "annuaire à moitié remplacé"
                return [Row("import tué", engine, killed_count, before, after, note=note)]
        _, left_by_kills = directory()
        check = run(first)  # the next import (a dry run) removes what the killed ones left
        check.communicate(timeout=600)
        after, stray_tables = directory()
        if engine == "postgresql":
            stray_processes += faultkit.backends(url, name)
        return [Row(
            "import de l'annuaire tué à 10, 30, 50, 65 et 80 % de sa durée", "SQLite" if engine == "sqlite" else "PostgreSQL",
            killed_count, before, after, stray=len(stray_tables) + stray_processes, recovery=max(dying, default=None),
            note=f"{rows} lignes, import complet {duration:.1f} s, {finished} terminé(s) avant l'instant visé, {committed} tué(s) après sa validation (nouvel annuaire entier) ; tables laissées par les imports tués : "
            f"{', '.join(sorted(left_by_kills)) or 'aucune'}, supprimées au début du suivant ; "
            "récupération = mort des processus de calcul",
        )]  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def case_batches(url: str, world: World, numbers: Numbers, args) -> list[Row]:
    from django.db import connection

    from sons.payments.models import Payment

    count = 40 if args.quick else 400
    ids = validated(world, numbers.take(count))
    connection.close()
    name = f"sons-faults-batches-{uuid.uuid4().hex[:6]}"
    outcomes: list = []

    def prepare(key):
        try:
            outcomes.append(faultkit.request(server.port, "POST", "/api/payments/batches", b"",
                                             {"Authorization": f"Bearer {key}"}, timeout=30)[0])  # fmt: skip
        except OSError:
            outcomes.append(0)

    with faultkit.Server(url, workers=4, name=name) as server:
        holder = held_audit_head(url)
        threads = [threading.Thread(target=prepare, args=(key,)) for key in world.paying_keys]
        for thread in threads:
            thread.start()
        faultkit.wait_until(lambda: waiting(url, name), 10)
        server.kill_worker()
        killed = time.monotonic()
        holder.rollback()
        holder.close()
        for thread in threads:
            thread.join(60)
        recovered = faultkit.request(server.port, "POST", "/api/payments/batches", b"",
                                     {"Authorization": f"Bearer {world.paying_keys[0]}"})[0]  # fmt: skip
        recovery = time.monotonic() - killed
    paid_ids = list(Payment.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
    return [Row(
        "4 préparations de lots simultanées, un worker tué", "PostgreSQL", 1, len(ids), len(set(paid_ids)),
        duplicates=len(paid_ids) - len(set(paid_ids)), server_errors=outcomes.count(500) + (recovered == 500),
        recovery=recovery, note=f"réponses {sorted(outcomes)} puis {recovered} ; acquittés = demandes validées",
    )]  # fmt: skip


def case_uploads(url: str, world: World, numbers: Numbers, args) -> list[Row]:
    from sons.api.models import IdempotencyRecord
    from sons.dossiers.models import Dossier

    uploads, lines = (3, 20) if args.quick else (10, 500)
    name = f"sons-faults-uploads-{uuid.uuid4().hex[:6]}"
    acknowledged, filed_after_cut, errors, everyone = 0, 0, 0, []
    with faultkit.Server(url, workers=2, name=name) as server:
        for _ in range(uploads):
            chunk = numbers.take(lines)
            everyone += chunk
            body = ("\n".join(json.dumps(filing(world, n)) for n in chunk) + "\n").encode()
            key = str(uuid.uuid4())
            faultkit.post_cut(server.port, "/api/dossiers/bulk", body, world.key, key, len(body) // 2)
            filed_after_cut += Dossier.objects.filter(rpps__in=chunk).count()
            status, _, report = faultkit.post_json(server.port, "/api/dossiers/bulk", body, world.key, key,
                                                   content_type="application/x-ndjson")  # fmt: skip
            errors += status >= 500
            if status == 200:
                acknowledged += json.loads(report)["filed"]
    rows = list(Dossier.objects.filter(rpps__in=everyone).values_list("rpps", flat=True))
    return [Row(
        f"{uploads} dépôts en masse coupés à mi-corps puis renvoyés entiers (même clé)", "PostgreSQL", uploads,
        acknowledged, len(set(rows)), duplicates=len(rows) - len(set(rows)), server_errors=errors,
        stuck=IdempotencyRecord.objects.filter(status__isnull=True).count() + filed_after_cut,
        note=f"{lines} lignes par dépôt ; dossiers déposés par les envois coupés : {filed_after_cut}",
    )]  # fmt: skip


def case_daily(url: str, world: World, numbers: Numbers, args) -> list[Row]:
    from django.db import connection

    from sons.recoveries.models import RecoveryCase

    due = paid(world, numbers.take(6 if args.quick else 60))
    before = RecoveryCase.objects.count()
    connection.close()
    name = f"sons-faults-daily-{uuid.uuid4().hex[:6]}"
    env = faultkit.environment(url, name, SONS_TODAY=DATE_5_PASSED)
    command = [str(faultkit.BIN / "sons"), "deadlines"]
    holder = held_audit_head(url)
    first = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    faultkit.wait_until(lambda: waiting(url, name), 30)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    holder.rollback()
    holder.close()
    first.communicate(timeout=120)
    opened = RecoveryCase.objects.count() - before
    dossiers = list(RecoveryCase.objects.values_list("dossier_id", flat=True))
    codes = (first.returncode, second.returncode)
    return [Row(
        "deux « sons deadlines » en même temps", "PostgreSQL", 1, due, opened,
        duplicates=len(dossiers) - len(set(dossiers)), server_errors=sum(1 for c in codes if c != 0),
        note=f"codes de sortie {codes} ; le second : « {second.stdout.strip()[:80]} »",
    )]  # fmt: skip


def case_job(url: str, world: World, numbers: Numbers, args) -> list[Row]:
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from sons.jobs import enqueue
    from sons.jobs.tasks import deadlines
    from sons.recoveries.models import RecoveryCase

    due = paid(world, numbers.take(6 if args.quick else 60))
    before = RecoveryCase.objects.count()
    with transaction.atomic():
        job = enqueue(deadlines)
    connection.close()
    name = f"sons-faults-job-{uuid.uuid4().hex[:6]}"
    env = faultkit.environment(url, name, SONS_TODAY=DATE_5_PASSED, SONS_JOBS_BEAT_SECONDS="0.3",
                               SONS_JOBS_STALE_SECONDS="2")  # fmt: skip

    def worker() -> subprocess.Popen:
        return subprocess.Popen([str(faultkit.BIN / "python"), "manage.py", "worker", "--interval", "0.05"], cwd=ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip

    holder = held_audit_head(url)
    first = worker()
    mid_job = faultkit.wait_until(lambda: waiting(url, name), 60)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    killed = time.monotonic()
    holder.rollback()
    holder.close()
    second = worker()
    try:
        done = faultkit.wait_until(
            lambda: DBTaskResult.objects.filter(pk=job.id, status="SUCCESSFUL").exists(), 120, 0.2
        )
        recovery = time.monotonic() - killed
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(30)
    opened = RecoveryCase.objects.count() - before
    dossiers = list(RecoveryCase.objects.values_list("dossier_id", flat=True))
    return [Row(
        "worker de la file tué pendant le travail quotidien", "PostgreSQL", 1, due, opened,
        duplicates=len(dossiers) - len(set(dossiers)), stuck=0 if done else 1, recovery=recovery,
        note=f"tué au milieu du travail : {'oui' if mid_job else 'non'} ; repris par un autre worker",
    )]  # fmt: skip


def case_dump(url: str, args, checkpoints: str) -> list[Row]:
    from django.core.management import call_command

    call_command("audit_checkpoint", stdout=open(os.devnull, "w"))  # noqa: SIM115
    name = urlparse(url).path.lstrip("/")
    restored = f"{name}_restore"
    folder = Path(tempfile.mkdtemp(prefix="sons-faults-dump-"))
    try:
        dump = folder / "sons.dump"
        started = time.monotonic()
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), url], check=True, timeout=600)
        restored_url = create(restored)
        subprocess.run(["pg_restore", "--no-owner", "-d", restored_url, str(dump)], check=True, timeout=600)
        took = time.monotonic() - started
        verified = subprocess.run([str(faultkit.BIN / "sons"), "audit", "verify"], cwd=ROOT, capture_output=True,
                                  text=True, env=faultkit.environment(restored_url, "sons-faults-restore",
                                                                      SONS_AUDIT_CHECKPOINT_DIR=checkpoints))  # fmt: skip

        def counts(database_url: str) -> dict[str, int]:
            with faultkit.admin(database_url) as db:
                tables = [
                    r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ]
                return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

        original, copy = counts(url), counts(restored_url)
        differing = sorted(t for t in original.keys() | copy.keys() if original.get(t) != copy.get(t))
        return [Row(
            "pg_dump puis restauration dans une base neuve", "PostgreSQL", 0, sum(original.values()),
            sum(copy.values()), stray=len(differing) + (verified.returncode != 0), recovery=took,
            note=f"{len(original)} tables comparées, différentes : {differing or 'aucune'} ; "
            f"sons audit verify : « {verified.stdout.strip() or verified.stderr.strip()} »",
        )]  # fmt: skip
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------------------------ report


def table(rows: list[Row]) -> str:
    head = ("| cas | base | pannes | écritures acquittées | trouvées en base | perdues | doublons | 500 | 503 | "
            "clés bloquées | tables ou processus restants | reprise (s) |")  # fmt: skip
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        recovery = "—" if r.recovery is None else f"{r.recovery:.2f}".replace(".", ",")
        lines.append(f"| {r.case} | {r.database} | {r.faults} | {r.acknowledged} | {r.found} | {r.lost} | "
                     f"{r.duplicates} | {r.server_errors} | {r.unavailable} | {r.stuck} | {r.stray} | {recovery} |")  # fmt: skip
    return "\n".join(lines)


# The import replaces the directory the other cases file against: it comes after them.
CASES = ("load", "batches", "uploads", "daily", "job", "import", "dump")


def run_case(case: str, url: str, world: World, numbers: Numbers, args, checkpoints: str) -> list[Row]:
    if case == "load":
        return case_load(url, world, numbers, args)
    if case == "import":
        rows = case_import(url, args, "postgresql")
        return rows if args.quick else rows + case_import(url, args, "sqlite")
    if case == "dump":
        return case_dump(url, args, checkpoints)
    return globals()[f"case_{case}"](url, world, numbers, args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc de pannes de SONS (boucle locale seulement).")
    parser.add_argument("--database", default=None, help="base PostgreSQL créée pour le banc")
    parser.add_argument("--quick", action="store_true", help="tailles minuscules (make test)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--restart-postgres", action="store_true",
                        help="redémarre vraiment le serveur PostgreSQL (pg_ctlcluster) ; sinon coupe les connexions")  # fmt: skip
    parser.add_argument("--cases", default=",".join(CASES), help="parmi : " + ", ".join(CASES))
    parser.add_argument("--keep", action="store_true", help="garder la base à la fin")
    args = parser.parse_args(argv)
    asked = {c.strip() for c in args.cases.split(",") if c.strip()}
    unknown = asked - set(CASES)
    chosen = [case for case in CASES if case in asked]
    if unknown:
        parser.error(f"cas inconnus : {', '.join(sorted(unknown))}")
    name = args.database or default_name()
    checkpoints = tempfile.mkdtemp(prefix="sons-faults-checkpoints-")
    url = create(name)
    try:
        migrate(url)
        configure(url, checkpoints)
        # The load's clients, then the other cases' dossiers (uploads: 10 × 500 at full size).
        world = seed(args.clients * max(5, int(args.seconds * 8)) + (1000 if args.quick else 6000))
        numbers = Numbers(world)
        rows: list[Row] = []
        for case in chosen:
            print(f"… {case}", file=sys.stderr, flush=True)
            try:
                rows += run_case(case, url, world, numbers, args, checkpoints)
            except Exception as error:  # reported in the table as a failed case; the others still run
                rows.append(
                    Row(case, "?", 0, 0, 0, stray=1, note=f"erreur : {type(error).__name__} : {error}")
                )
            print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
        print(table(rows))
        for row in rows:
            if row.note:
                print(f"- {row.case} : {row.note}")
        ok = all(row.ok for row in rows)
        print("Bilan : " + ("aucune écriture acquittée perdue, aucun doublon, aucune 500, aucune clé bloquée, "
                            "rien de laissé derrière." if ok else "ÉCHEC : voir le tableau."))  # fmt: skip
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(checkpoints, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

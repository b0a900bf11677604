"""Benchmark of the REST API's filing endpoints against PostgreSQL, behind gunicorn (2 workers).

    .venv/bin/python bench/bench_api.py [--bulk-sizes 500 1000] [--profile] [--keep]

1. (Re)creates the PostgreSQL database sons_bench (postgres@127.0.0.1:5432, trust), migrates it with
   manage.py and seeds it: a publisher organisation enrolled (validated), a referenced solution version
   with every profile, 40 000 professionals in the directory (60 % IDE, 40 % MK, liberal, registered),
   a supplier API token; then files 10 000 dossiers in process (--preload) and runs ANALYZE, so that the
   measures run on a table of a realistic size (see below).
2. Starts gunicorn (config.wsgi:application, settings bench.settings_bench: DEBUG off, today = 2026-09-01)
   with 2 sync workers on a free port of 127.0.0.1, and always stops it at the end.
3. Bulk filing: 10 000 dossiers (distinct RPPS) to POST /api/dossiers/bulk in requests of N dossiers,
   two requests at a time; wall time, dossiers/s, and every item checked filed (reports and database).
4. Single filing: 20 concurrent clients, each filing its dossiers one by one (POST /api/dossiers),
   2 000 requests in all; p50, p95, p99, max and throughput. Also one client alone, for the service time.
5. Checks the audit journal's chain, and prints a French summary against the targets (≥ 1 000 dossiers/s
   in bulk; p95 ≤ 100 ms with 20 clients).

Each phase reports where the CPU went (server, PostgreSQL, load client, other processes of the machine)
and the sequential scans of dossiers_dossier. Before each phase the script waits (--wait-quiet, 120 s at
most) for other processes to leave the machine idle; figures marked « perturbé » are pessimistic.

--preload 0 measures from an empty dossiers table: PostgreSQL then caches, in each long-lived session
(CONN_MAX_AGE = 60), foreign-key check plans made on a tiny table (sequential scans), and filing slows
down as the table grows; --pgoptions '-c plan_cache_mode=force_custom_plan' shows the difference.
--db-options '{"server_side_binding": true, "prepare_threshold": 5}' measures with prepared statements.
--profile adds, after the server has stopped, in-process measures: actions.file_many on 1 000 dossiers
(with and without cProfile), one bulk request of 1 000, the SQL statements of one single filing, and
cProfile of 200 single filings. The database is dropped at the end unless --keep.
Targets and figures are for the whole machine: the load generator runs on the same cores as the server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_load, api_world, cpu_meter  # noqa: E402

BIN = Path(sys.executable).parent
BULK_TARGET = 1000  # dossiers/s
P95_TARGET_MS = 100.0
QUIET = 0.15  # the machine's occupation by other processes under which it counts as idle


def revision() -> str:
    """The application's commit, and whether src/ or config/ differ from it (another developer may be editing)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "config"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "inconnue (pas de git)"
    return f"commit {commit}" + (" + modifications non commitées dans src/ ou config/" if changed else "")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((api_load.HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The production server, as its own process group member of this run; stopped by its pid only."""

    def __init__(
        self, workers: int, worker_class: str, threads: int, pgoptions: str = "", db_options: str = ""
    ):
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.pgoptions, self.db_options = pgoptions, db_options
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="sons-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, ready_within: float = 60.0) -> None:
        command = [
            str(BIN / "gunicorn"), "config.wsgi:application",
            "--workers", str(self.workers), "--worker-class", self.worker_class, "--threads", str(self.threads),
            "--bind", f"{api_load.HOST}:{self.port}", "--timeout", "120", "--log-level", "warning",
        ]  # fmt: skip
        env = api_world.environment()
        if self.pgoptions:  # libpq reads PGOPTIONS: server settings for the workers' sessions only
            env["PGOPTIONS"] = self.pgoptions
        if self.db_options:  # read by bench/settings_bench.py
            env["SONS_BENCH_DB_OPTIONS"] = self.db_options
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (code {self.process.returncode}) :\n{self.tail()}")
            try:
                if api_load.get_status(self.port, "/api/dossiers") == 401:  # up, and asks for a token
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn ne répond pas après {ready_within:.0f} s :\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the workers finish their request
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def tail(self, lines: int = 30) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def cleanup(self, keep_log: bool) -> None:
        self.log.close()
        if not keep_log:
            Path(self.log.name).unlink(missing_ok=True)


class Numbers:
    """Hands out the directory's RPPS numbers, each once in the whole run."""

    def __init__(self, numbers: list[str]):
        self.numbers, self.used = numbers, 0

    def take(self, count: int) -> list[str]:
        if self.used + count > len(self.numbers):
            raise SystemExit(
                f"Pas assez de professionnels dans l'annuaire ({len(self.numbers)}) : augmentez --professionals."
            )
        chunk = self.numbers[self.used : self.used + count]
        self.used += count
        return chunk


@dataclass
class BulkResult:
    size: int
    total: int
    wall: float
    filed_reported: int
    filed_items: int
    refused: int
    http_errors: int
    request_seconds: list[float]
    database: dict[str, int]
    sample_refusals: list[str]
    cpu: cpu_meter.Usage
    scans: tuple[int, int]

    @property
    def rate(self) -> float:
        return self.filed_items / self.wall if self.wall else 0.0

    @property
    def complete(self) -> bool:
        db = self.database
        return (
            self.filed_reported == self.filed_items == self.total
            and db["dossiers"] == db["clients"] == db["advance_filed"] == db["transitions"] == self.total
        )


def bulk(
    server: Gunicorn, world, numbers: list[str], size: int, concurrency: int, max_seconds: float
) -> BulkResult:
    bodies = [
        api_load.encode([api_world.filing(world, n) for n in numbers[i : i + size]])
        for i in range(0, len(numbers), size)
    ]
    scans_before = api_world.seq_reads()
    with cpu_meter.Meter(server.pid, api_world.DB_NAME) as meter:
        run = api_load.run(
            server.port, world.key, "/api/dossiers/bulk", bodies,
            clients=concurrency, per_client=False, timeout=max_seconds, max_seconds=max_seconds,
        )  # fmt: skip
    cpu = meter.usage
    scans = tuple(after - earlier for after, earlier in zip(api_world.seq_reads(), scans_before, strict=True))
    filed_reported = filed_items = refused = errors = 0
    samples: list[str] = []
    for outcome in run.outcomes:
        if outcome.status != 200:
            errors += 1
            samples.append(f"HTTP {outcome.status} {outcome.error or outcome.body[:200]!r}")
            continue
        report = json.loads(outcome.body)
        filed_reported += report["filed"]
        for item in report["items"]:
            if item["status"] == "filed":
                filed_items += 1
            else:
                refused += 1
                if len(samples) < 5:
                    samples.append(f"{item['status']} : {item.get('error')}")
    return BulkResult(
        size=size, total=len(numbers), wall=run.wall, filed_reported=filed_reported, filed_items=filed_items,
        refused=refused, http_errors=errors + run.not_sent, request_seconds=[o.seconds for o in run.outcomes],
        database=api_world.filed(numbers), sample_refusals=samples[:5], cpu=cpu, scans=scans,
    )  # fmt: skip


@dataclass
class SingleResult:
    clients: int
    sent: int
    ok: int
    wall: float
    latencies_ms: list[float]
    statuses: dict[int, int]
    not_sent: int
    database: dict[str, int]
    sample_errors: list[str]
    cpu: cpu_meter.Usage
    scans: tuple[int, int]

    def p(self, fraction: float) -> float:
        return api_load.percentile(self.latencies_ms, fraction)

    @property
    def throughput(self) -> float:
        return self.ok / self.wall if self.wall else 0.0


def single(server: Gunicorn, world, numbers: list[str], clients: int, max_seconds: float) -> SingleResult:
    bodies = [api_load.encode(api_world.filing(world, n)) for n in numbers]
    scans_before = api_world.seq_reads()
    with cpu_meter.Meter(server.pid, api_world.DB_NAME) as meter:
        run = api_load.run(
            server.port, world.key, "/api/dossiers", bodies,
            clients=clients, per_client=True, timeout=30, max_seconds=max_seconds,
        )  # fmt: skip
    cpu = meter.usage
    scans = tuple(after - earlier for after, earlier in zip(api_world.seq_reads(), scans_before, strict=True))
    ok = [o for o in run.outcomes if o.status == 201]
    errors = [
        f"HTTP {o.status} {o.error or o.body[:200]!r}" for o in run.outcomes if o.status != 201
    ][:5]  # fmt: skip
    return SingleResult(
        clients=clients, sent=len(run.outcomes), ok=len(ok), wall=run.wall,
        latencies_ms=[o.seconds * 1000 for o in ok], statuses=run.statuses(), not_sent=run.not_sent,
        database=api_world.filed(numbers), sample_errors=errors, cpu=cpu, scans=scans,
    )  # fmt: skip


def wait_quiet(limit: float) -> cpu_meter.Usage:
    """Waits (at most `limit` seconds) until other processes leave the machine idle; says so if they do not."""
    waited = time.monotonic()
    quiet = cpu_meter.idle_check()
    while quiet.busy > QUIET and time.monotonic() - waited < limit:
        quiet = cpu_meter.idle_check()
    if quiet.busy > QUIET:
        print(
            f"  ! machine occupée à {quiet.busy * 100:.0f} % par d'autres processus : "
            "les chiffres qui suivent seront pessimistes (voir « autres processus »)"
        )
    return quiet


def warm_up(server: Gunicorn, world, numbers: Numbers, clients: int) -> None:
    """Both workers import their lazy modules and open their database connection before any measure."""
    single(server, world, numbers.take(2 * clients), clients, max_seconds=60)
    bulk(server, world, numbers.take(100), 50, 2, max_seconds=60)


def fr(number: float, decimals: int = 0) -> str:
    text = f"{number:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def scans_text(scans: tuple[int, int]) -> str:
    count, rows = scans
    return f"PostgreSQL : {fr(count)} parcours séquentiels de dossiers_dossier, {fr(rows)} lignes lues"


def print_bulk(result: BulkResult) -> None:
    seconds = sorted(result.request_seconds)
    print(
        f"  lots de {result.size} : {fr(result.total)} dossiers en {fr(result.wall, 2)} s "
        f"→ {fr(result.rate)} dossiers/s ; {len(seconds)} requêtes de {fr(seconds[0], 2) if seconds else '?'} "
        f"à {fr(seconds[-1], 2) if seconds else '?'} s"
    )
    db = result.database
    print(
        f"    rapports : {fr(result.filed_items)} « filed », {result.refused} refusés, {result.http_errors} erreurs HTTP ; "
        f"base : {fr(db['dossiers'])} dossiers ({fr(db['clients'])} clients distincts, {fr(db['advance_filed'])} "
        f"« advance_filed », {fr(db['transitions'])} transitions) → {'complet' if result.complete else 'INCOMPLET'}"
    )
    print(f"    {result.cpu.describe(result.filed_items, 'dossier')}")
    print(f"    {scans_text(result.scans)}")
    for sample in result.sample_refusals:
        print(f"    ! {sample}")


def print_single(label: str, result: SingleResult) -> None:
    print(
        f"  {label} : {result.ok}/{result.sent} réponses 201 en {fr(result.wall, 2)} s ({fr(result.throughput)} dépôts/s) ; "
        f"p50 {fr(result.p(0.50), 1)} ms, p95 {fr(result.p(0.95), 1)} ms, p99 {fr(result.p(0.99), 1)} ms, "
        f"max {fr(max(result.latencies_ms, default=float('nan')), 1)} ms"
    )
    print(f"    {result.cpu.describe(result.ok)}")
    print(f"    {scans_text(result.scans)}")
    db = result.database
    if result.ok != result.sent or result.not_sent or db["dossiers"] != result.ok:
        print(f"    ! statuts {result.statuses}, non envoyés {result.not_sent}, base {db}")
    for sample in result.sample_errors:
        print(f"    ! {sample}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--professionals", type=int, default=40_000)
    parser.add_argument(
        "--preload",
        type=int,
        default=10_000,
        help="dossiers filed in process before the server starts (0: measure from an empty table)",
    )
    parser.add_argument("--bulk-total", type=int, default=10_000)
    parser.add_argument("--bulk-sizes", type=int, nargs="+", default=[500, 1000])
    parser.add_argument("--bulk-concurrency", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--single-total", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument(
        "--pgoptions",
        default="",
        help="PGOPTIONS for the server's database sessions, e.g. '-c plan_cache_mode=force_custom_plan'",
    )
    parser.add_argument(
        "--db-options",
        default="",
        help='JSON added to the server\'s DATABASES OPTIONS, e.g. \'{"server_side_binding": true, "prepare_threshold": 5}\'',
    )
    parser.add_argument("--max-seconds", type=float, default=300, help="bound of each measured phase")
    parser.add_argument("--profile", action="store_true", help="cProfile of file_many and of a bulk request")
    parser.add_argument(
        "--wait-quiet", type=float, default=120, help="wait up to this many seconds for an idle machine"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the sons_bench database and the server's log"
    )
    args = parser.parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    # Ctrl-C or kill: unwind through the finally blocks, which stop gunicorn and drop the database.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)

    print(
        f"machine : {os.cpu_count()} cœurs, Python {platform.python_version()} ; le client de charge tourne sur la même machine"
    )
    print(f"application : {revision()}")
    quiet = wait_quiet(args.wait_quiet)
    print(f"avant le banc d'essai, machine occupée à {quiet.busy * 100:.0f} % par d'autres processus")
    start = time.perf_counter()
    api_world.create_database()
    ok = False
    server: Gunicorn | None = None
    try:
        api_world.migrate()
        api_world.configure()
        world = api_world.seed(args.professionals)
        numbers = Numbers(world.rpps)
        preloaded = api_world.preload(world, numbers.take(args.preload)) if args.preload else 0
        api_world.analyse()  # autovacuum may be off: the statistics of the tables as they are now
        print(
            f"base {api_world.DB_NAME} : migrée et peuplée ({fr(args.professionals)} professionnels, 1 éditeur enrôlé, "
            f"1 version référencée, 1 jeton, {fr(preloaded)} dossiers déjà déposés) en "
            f"{fr(time.perf_counter() - start, 1)} s"
        )
        if args.db_options:
            json.loads(args.db_options)  # refused here rather than in the workers
        server = Gunicorn(args.workers, args.worker_class, args.threads, args.pgoptions, args.db_options)
        server.start()
        print(
            f"gunicorn : config.wsgi:application, {args.workers} workers {args.worker_class}"
            f"{f' × {args.threads} threads' if args.threads > 1 else ''}, 127.0.0.1:{server.port}"
            f"{f', PGOPTIONS={args.pgoptions!r}' if args.pgoptions else ''}"
            f"{f', OPTIONS de la base + {args.db_options}' if args.db_options else ''}"
        )
        try:
            warm_up(server, world, numbers, args.clients)
            print(f"dépôt en masse (POST /api/dossiers/bulk, {args.bulk_concurrency} requêtes simultanées) :")
            bulks = []
            for size in args.bulk_sizes:
                wait_quiet(args.wait_quiet)
                bulks.append(
                    bulk(
                        server,
                        world,
                        numbers.take(args.bulk_total),
                        size,
                        args.bulk_concurrency,
                        args.max_seconds,
                    )
                )
                print_bulk(bulks[-1])
            print("dépôt unitaire (POST /api/dossiers) :")
            wait_quiet(args.wait_quiet)
            alone = single(server, world, numbers.take(200), 1, args.max_seconds)
            print_single("1 client seul (temps de service)", alone)
            wait_quiet(args.wait_quiet)
            crowd = single(server, world, numbers.take(args.single_total), args.clients, args.max_seconds)
            print_single(f"{args.clients} clients simultanés", crowd)
        finally:
            server.stop()
        entries, problems, verify_seconds = api_world.audit_check()
        print(
            f"journal d'audit : {fr(entries)} entrées, chaîne {'intègre' if not problems else 'ROMPUE'} "
            f"(vérifiée en {fr(verify_seconds, 1)} s)"
        )
        for problem in problems[:5]:
            print(f"  ! {problem}")
        print(f"décisions du moteur sur les dossiers déposés : {api_world.decisions(world.rpps)}")
        if args.profile:
            print("\nprofil (en processus, serveur arrêté) :")
            for de_minimis in (True, False, True):
                print(api_world.time_file_many(world, numbers.take(1000), de_minimis=de_minimis))
            print(api_world.profile_file_many(world, numbers.take(1000)))
            print(api_world.profile_request(world, numbers.take(1000), bulk=True))
            print(api_world.statements_of_one_filing(world, numbers.take(1)[0]))
            print(api_world.profile_request(world, numbers.take(200), bulk=False))

        best = max(bulks, key=lambda result: result.rate)
        complete = all(result.complete for result in bulks) and crowd.ok == crowd.sent == args.single_total
        print("\nrésumé :")
        for result in bulks:
            print(
                f"  dépôt en masse : {fr(result.total)} dossiers en {fr(result.wall, 2)} s ({fr(result.rate)} dossiers/s), "
                f"lots de {result.size}, {args.bulk_concurrency} requêtes simultanées"
            )
        print(
            f"  dépôt unitaire, {args.clients} clients : p50 {fr(crowd.p(0.5), 1)} ms, p95 {fr(crowd.p(0.95), 1)} ms, "
            f"p99 {fr(crowd.p(0.99), 1)} ms, max {fr(max(crowd.latencies_ms, default=float('nan')), 1)} ms, "
            f"{fr(crowd.throughput)} dépôts/s (1 client seul : p50 {fr(alone.p(0.5), 1)} ms)"
        )
        bulk_ok, p95_ok = best.rate >= BULK_TARGET, crowd.p(0.95) <= P95_TARGET_MS
        print(
            f"  objectif masse ≥ {fr(BULK_TARGET)} dossiers/s : {'atteint' if bulk_ok else 'MANQUÉ'} (meilleur : {fr(best.rate)})"
        )
        print(
            f"  objectif p95 ≤ {fr(P95_TARGET_MS)} ms à {args.clients} clients : {'atteint' if p95_ok else 'MANQUÉ'}"
        )
        print(
            f"  tous les dépôts enregistrés et vérifiés : {'oui' if complete else 'NON'} ; durée totale {fr(time.perf_counter() - start)} s"
        )
        ok = complete and not problems
    finally:
        if server is not None:
            server.stop()
            tail = server.tail()
            if not ok and tail.strip():
                print(f"journal de gunicorn (fin) :\n{tail}", file=sys.stderr)
            server.cleanup(keep_log=args.keep)
        if args.keep:
            print(f"base {api_world.DB_NAME} conservée ({api_world.DATABASE_URL})")
        else:
            api_world.drop_database()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

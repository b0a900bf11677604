"""The database side of bench/bench_api.py: the sons_bench database, its world, the checks, the profile.

Import order matters: `configure()` sets the environment (DATABASE_URL, DJANGO_SETTINGS_MODULE) and calls
django.setup(); the functions that use the ORM import the models inside, after that.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def database_name(base: str) -> str:
    """A benchmark's database; SONS_BENCH_DB_SUFFIX keeps concurrent runs (the tests' tiny runs, CI) apart."""
    return base + os.environ.get("SONS_BENCH_DB_SUFFIX", "")


DB_NAME = database_name("sons_bench")
DATABASE_URL = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}"
SETTINGS = "bench.settings_bench"

ORDER = {  # an admissible order, as in tests/api/conftest.py
    "in_client_name": True,
    "issued_on": "2026-08-01",
    "signed_on": "2026-08-10",
    "signature": "handwritten",
    "lines": [{"label": "Prestation Ségur", "amount": "270.00"}],
    "vat_rate": "20",
    "mention_state_funded": True,
    "mention_conditional_referencing": False,
    "conditioned_on": [],
    "paid_version_catch_up": False,
    "client_version_obsolete": False,
    "centre_certificate_commitment": None,
}


def environment(database_url: str = DATABASE_URL, **extra: str) -> dict[str, str]:
    """The environment of every process of a benchmark (manage.py, gunicorn, this one) on its database."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": SETTINGS, **extra})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def _admin():
    return psycopg.connect(dbname="postgres", autocommit=True, **PG)


def create_database() -> None:
    with _admin() as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DB_NAME}")


def drop_database() -> None:
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
    with _admin() as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment(),
        check=True,
    )


def configure() -> None:
    os.environ.update(
        {k: v for k, v in environment().items() if k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def rpps(n: int) -> str:
    from sons.rules.identifiers import with_luhn_key

    return with_luhn_key(f"1{n:09d}")


@dataclass
class World:
    organisation_id: int
    version_id: int
    key: str  # the supplier's bearer token (clear key, kept in memory only)
    rpps: list[str]  # the directory's professionals, in creation order


def seed(professionals: int) -> World:
    """One publisher organisation enrolled (validated), one referenced solution version with every
    profile, `professionals` liberal professionals registered with their order (IDE and MK), one token."""
    from django.db import transaction

    from sons.directory.enums import PracticeMode, Profession
    from sons.directory.models import Professional
    from sons.registry.enums import Referencing
    from sons.registry.models import Publisher, Solution, SolutionVersion
    from sons.rules.contract import PROFILES
    from sons.rules.identifiers import with_luhn_key
    from sons.suppliers.enums import EnrolmentState
    from sons.suppliers.models import ApiToken, Enrolment, Organisation

    numbers = [rpps(n) for n in range(professionals)]
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Éditeur du banc d'essai", siren=with_luhn_key("73282932"), vat_liable=True,
            iban="FR7630006000011234567890189", bic="AGRIFRPP", psc_user_service_operator=True,
            hosts_health_data=False, sworn_statement=True,
        )  # fmt: skip
        Enrolment.objects.create(
            organisation=organisation, state=EnrolmentState.VALIDATED, filed_on=date(2026, 3, 2)
        )
        publisher = Publisher.objects.create(name=organisation.name, organisation=organisation)
        solution = Solution.objects.create(publisher=publisher, name="Logiciel du banc d'essai")
        version = SolutionVersion.objects.create(
            solution=solution, version="2.0", profiles=list(PROFILES), candidature_validated=True,
            complete_dossier_on=date(2026, 5, 1), referencing=Referencing.GRANTED, referenced_on=date(2026, 6, 1),
        )  # fmt: skip
        Professional.objects.bulk_create(
            (
                Professional(
                    rpps=number,
                    last_name=f"Nom{n}",
                    first_name=f"Prénom{n}",
                    profession=Profession.IDE if n % 5 < 3 else Profession.MK,  # 60 % IDE, 40 % MK
                    practice=PracticeMode.LIBERAL,
                    registered_with_order=True,
                )
                for n, number in enumerate(numbers)
            ),
            batch_size=5000,
        )
        _, key = ApiToken.issue("banc d'essai", organisation=organisation)
    return World(organisation.pk, version.pk, key, numbers)


def filing(world: World, number: str) -> dict:
    return {
        "client": {"rpps": number},
        "solution_version_id": world.version_id,
        "order": ORDER,
        "de_minimis_other_aid": "0.00",
    }


def preload(world: World, numbers: list[str], chunk: int = 1000) -> int:
    """Dossiers filed in process before the server starts, so that the measures run on a table of a
    realistic size: PostgreSQL plans the foreign-key checks of a session once, on the table as it is then."""
    from sons.dossiers import actions

    principal, filed_count = _principal(world), 0
    for start in range(0, len(numbers), chunk):
        results = actions.file_many(principal, _items(world, numbers[start : start + chunk]))
        filed_count += sum(1 for result in results if result.error is None)
    return filed_count


def join_orders(dossier_ids: list[int]) -> None:
    """The signed order's copy of each dossier (§6.2), as the supplier joins it after a direct filing: its row
    only, no PDF rendered nor stored (what the filing of a draft and the validation of an advance require)."""
    from sons.dossiers.enums import DocumentKind
    from sons.dossiers.models import Document

    order = {"kind": DocumentKind.ORDER, "name": "bon-de-commande.pdf", "sha256": "0" * 64, "size": 1000,
             "uploaded_by": "banc"}  # fmt: skip
    Document.objects.bulk_create(
        (Document(dossier_id=pk, path=f"{pk}/bc.pdf", **order) for pk in dossier_ids), batch_size=2000
    )


def seq_reads(table: str = "dossiers_dossier") -> tuple[int, int]:
    """(sequential scans, rows read by them) of a table since the database's creation (pg_stat_user_tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT seq_scan, seq_tup_read FROM pg_stat_user_tables WHERE relname = %s", [table])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, 0)


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def filed(numbers: list[str]) -> dict[str, int]:
    """What the database holds for these clients."""
    from django.db.models import Count

    from sons.dossiers.models import Dossier, Transition

    dossiers = Dossier.objects.filter(rpps__in=numbers)
    by_state = dict(dossiers.values_list("state").annotate(n=Count("pk")))
    return {
        "dossiers": sum(by_state.values()),
        "clients": dossiers.values("rpps").distinct().count(),
        "advance_filed": by_state.get("advance_filed", 0),
        "transitions": Transition.objects.filter(dossier__rpps__in=numbers, name="file_advance").count(),
    }


def decisions(numbers: list[str]) -> dict[str, int]:
    from django.db.models import Count

    from sons.dossiers.models import Dossier

    return dict(Dossier.objects.filter(rpps__in=numbers).values_list("decision").annotate(n=Count("pk")))


def audit_check() -> tuple[int, list[str], float]:
    """Entries in the journal, its problems (empty: the chain is intact), and the verification's time."""
    from sons.audit.journal import verify
    from sons.audit.models import AuditEntry

    start = time.perf_counter()
    problems = verify()
    return AuditEntry.objects.count(), problems, time.perf_counter() - start


class QueryCounter:
    """connection.execute_wrapper: counts the SQL statements and the time spent waiting for them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.by_kind: dict[str, list] = {}

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.count += 1
            self.seconds += spent
            kind = " ".join(sql.split()[:4])[:70]
            entry = self.by_kind.setdefault(kind, [0, 0.0])
            entry[0] += 1
            entry[1] += spent


def _report(profiler: cProfile.Profile, wall: float, queries: QueryCounter, lines: int) -> str:
    out = io.StringIO()
    out.write(
        f"  temps : {wall * 1000:.0f} ms ; {queries.count} requêtes SQL, {queries.seconds * 1000:.0f} ms d'attente de la base\n"
    )
    out.write("  requêtes SQL par début de texte (nombre, ms) :\n")
    for kind, (count, seconds) in sorted(queries.by_kind.items(), key=lambda item: -item[1][1])[:8]:
        out.write(f"    {count:6d}  {seconds * 1000:8.1f}  {kind}\n")
    views = (
        ("fonctions de l'application (src/sons), tri cumulatif", "cumulative", r"/src/sons/"),
        ("toutes fonctions, tri cumulatif", "cumulative", None),
        ("toutes fonctions, tri par temps propre", "tottime", None),
    )
    for title, order, restriction in views:
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        if restriction:
            stats.sort_stats(order).print_stats(restriction, lines)
        else:  # strip_dirs() forgets the order: sort after it
            stats.strip_dirs().sort_stats(order).print_stats(lines)
        text = stream.getvalue().replace(f"{ROOT}/src/", "").replace(f"{ROOT}/", "")
        body = text[text.find("   ncalls") :] if "   ncalls" in text else text
        out.write(f"  cProfile, {title} :\n")
        out.write("\n".join("    " + line for line in body.rstrip().splitlines()) + "\n")
    return out.getvalue()


def _principal(world: World):
    from sons.suppliers.enums import Role
    from sons.suppliers.models import Organisation
    from sons.suppliers.perms import Principal

    organisation = Organisation.objects.get(pk=world.organisation_id)
    return Principal(
        Role.SUPPLIER_MEMBER, f"{organisation.name} (jeton « banc d'essai »)", None, organisation
    )


def _items(world: World, numbers: list[str], de_minimis: bool = True) -> list[dict]:
    """The declarations as the API hands them to file_many (read by sons.dossiers.declaration there)."""
    documents = [filing(world, number) for number in numbers]
    if not de_minimis:
        documents = [{k: v for k, v in d.items() if k != "de_minimis_other_aid"} for d in documents]
    return documents


def time_file_many(world: World, numbers: list[str], *, de_minimis: bool) -> str:
    """One in-process call of actions.file_many, without profiler: its time and its SQL statements."""
    from django.db import connection

    from sons.dossiers import actions

    principal, items = _principal(world), _items(world, numbers, de_minimis)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        start = time.perf_counter()
        results = actions.file_many(principal, items)
        wall = time.perf_counter() - start
    refused = sum(1 for result in results if result.error)
    label = "avec" if de_minimis else "sans"
    return (
        f"actions.file_many, {len(numbers)} dossiers {label} « de_minimis_other_aid », sans profileur : "
        f"{wall * 1000:.0f} ms ({len(numbers) / wall:.0f} dossiers/s sur un cœur), {queries.count} requêtes SQL "
        f"({queries.seconds * 1000:.0f} ms d'attente de la base), {refused} refusés"
    )


def profile_file_many(world: World, numbers: list[str], lines: int = 20) -> str:
    """cProfile of one in-process call of actions.file_many on len(numbers) dossiers, parsed as the API does."""
    from django.db import connection

    from sons.dossiers import actions

    principal, items = _principal(world), _items(world, numbers)
    queries = QueryCounter()
    profiler = cProfile.Profile()
    with connection.execute_wrapper(queries):
        start = time.perf_counter()
        profiler.enable()
        results = actions.file_many(principal, items)
        profiler.disable()
        wall = time.perf_counter() - start
    refused = sum(1 for result in results if result.error)
    head = f"cProfile de actions.file_many, {len(numbers)} dossiers en un appel ({refused} refusés) :\n"
    return head + _report(profiler, wall, queries, lines)


def statements_of_one_filing(world: World, number: str) -> str:
    """The SQL statements of one POST /api/dossiers (in process), in order, with their times."""
    from django.db import connection
    from django.test import Client

    from bench.api_load import encode

    statements: list[tuple[float, str]] = []

    def record(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(((time.perf_counter() - start) * 1000, " ".join(sql.split())))

    client = Client(HTTP_HOST="127.0.0.1")
    with connection.execute_wrapper(record):
        response = client.post(
            "/api/dossiers", encode(filing(world, number)), content_type="application/json",
            headers={"Authorization": f"Bearer {world.key}"},
        )  # fmt: skip
    lines = [f"requêtes SQL d'un POST /api/dossiers (HTTP {response.status_code}) : {len(statements)}"]
    lines += [f"  {ms:6.2f} ms  {sql[:120]}" for ms, sql in statements]
    return "\n".join(lines)


def profile_request(world: World, numbers: list[str], *, bulk: bool, lines: int = 20) -> str:
    """cProfile of in-process requests (Django test client, no network, no gunicorn): the whole request
    path — middleware, authentication, validation, file_many, the answer's serialisation. bulk: one
    POST /api/dossiers/bulk of every number; otherwise one POST /api/dossiers per number, one by one."""
    from django.db import connection
    from django.test import Client

    from bench.api_load import encode

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"Authorization": f"Bearer {world.key}"}
    if bulk:
        bodies = [("/api/dossiers/bulk", encode([filing(world, number) for number in numbers]))]
    else:
        bodies = [("/api/dossiers", encode(filing(world, number))) for number in numbers]
    queries = QueryCounter()
    profiler = cProfile.Profile()
    statuses: dict[int, int] = {}
    with connection.execute_wrapper(queries):
        start = time.perf_counter()
        profiler.enable()
        for path, body in bodies:
            response = client.post(path, body, content_type="application/json", headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        profiler.disable()
        wall = time.perf_counter() - start
    if bulk:
        report = response.json() if response.status_code == 200 else {}
        head = (
            f"cProfile de POST /api/dossiers/bulk en processus, {len(numbers)} dossiers en une requête : HTTP {response.status_code}, "
            f"{report.get('filed', '?')} déposés, {len(bodies[0][1]) // 1024} Kio envoyés, "
            f"{len(response.content) // 1024} Kio reçus\n"
        )
    else:
        head = (
            f"cProfile de POST /api/dossiers en processus, {len(numbers)} requêtes l'une après l'autre : statuts {statuses} ; "
            f"{wall / len(numbers) * 1000:.2f} ms et {queries.count / len(numbers):.1f} requêtes SQL par dépôt\n"
        )
    return head + _report(profiler, wall, queries, lines)

"""Benchmark of the instructors' exports: 250 000 dossiers as CSV and as XLSX, time and peak memory.

    .venv/bin/python bench/bench_export.py [--dossiers 250000] [--keep]

1. (Re)creates the PostgreSQL database bench_export (postgres@127.0.0.1:5432), migrates it and fills it
   fast with bulk_create: one enrolled publisher, one referenced version, N professionals of the directory
   (60 % IDE, 40 % MK) and N dossiers spread over eight states, with amounts and dates; an instructor token.
2. Each export runs in a fresh process (python bench/bench_export.py --measure csv|xlsx) that requests
   GET /api/exports/dossiers.{csv,xlsx} (the API's URLs alone) through Django's test client with the
   instructor's token. Past SONS_EXPORT_ROWS_IN_REQUEST rows (10 000) the API answers 202 with a job: the
   process then runs the queue as a worker would (sons.jobs.worker, batch mode) and fetches the file from
   GET /api/jobs/{id}/file. It writes the body to a temporary file, and reports its wall time and its peak
   resident memory (resource.getrusage ru_maxrss), next to the peak of the same process before the export
   (Django loaded). The filling runs in a process of its own too, and this one never loads Django: Linux
   carries the parent's peak over fork and exec into a child's ru_maxrss.
3. Prints the figures against the target (peak under 200 MB) and drops the database unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_world  # noqa: E402

DB_NAME = api_world.database_name("bench_export")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PEAK_TARGET_MB = 200
STATES = ("advance_filed", "advance_validated", "advance_paid", "balance_filed", "balance_validated",
          "balance_paid", "advance_to_complete", "in_recovery")  # fmt: skip


def environment() -> dict[str, str]:
    return api_world.environment(DATABASE_URL, SONS_ALLOWED_HOSTS="testserver")  # the test client's host


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **api_world.PG) as connection:
        connection.execute(sql)


def setup_django() -> None:
    os.environ.update({k: v for k, v in environment().items() if k != "PYTHONPATH"})
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = (
        "sons.api.urls"  # the API alone: the measure does not depend on the portal's pages
    )


def fill(count: int) -> str:
    """The world and `count` dossiers; returns the instructor's clear token."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from sons.dossiers.models import Dossier
    from sons.registry.models import SolutionVersion
    from sons.suppliers.enums import Role
    from sons.suppliers.models import ApiToken, Membership, Organisation

    world = api_world.seed(count)
    organisation = Organisation.objects.get(pk=world.organisation_id)
    version = SolutionVersion.objects.get(pk=world.version_id)
    with transaction.atomic():
        for start in range(0, count, 10_000):
            Dossier.objects.bulk_create(
                (
                    Dossier(
                        supplier=organisation, solution_version=version, state=STATES[n % len(STATES)],
                        client_kind="professional", rpps=number, client_key=number,
                        order_signed_on=date(2026, 8, 10), advance_filed_on=date(2026, 9, 1) + timedelta(n % 90),
                        cap=Decimal("270.00"), financed=Decimal("270.00"), advance_amount=Decimal("108.00"),
                        balance_amount=Decimal("162.00"),
                        paid_advance=Decimal("108.00") if n % len(STATES) >= 2 else Decimal("0.00"),
                    )
                    for n, number in enumerate(world.rpps[start : start + 10_000], start)
                ),
                batch_size=5000,
            )  # fmt: skip
        user = get_user_model().objects.create_user(username="instructeur-banc", password="x")
        Membership.objects.create(user=user, role=Role.ASP_INSTRUCTOR)
        _, key = ApiToken.issue("banc d'export", user=user)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return key


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def fetch(client, path: str):
    """The export's answer; a large export is a job (202): run here by a worker, then its file fetched."""
    response = client.get(path)
    if response.status_code == 202:
        from sons.jobs.worker import make_worker

        make_worker(batch=True, interval=0, beats=False).run()
        response = client.get(f"/jobs/{response.json()['job']}/file")
        response.as_job = True
    assert response.status_code == 200, response.status_code
    return response


def measure(extension: str, key: str) -> dict:
    """In this (fresh) process: one export through the whole Django stack, body written to a file."""
    setup_django()
    from django.test import Client

    from sons.api.api import api  # noqa: F401  (loads the routes before the baseline)
    from sons.exports import jobs  # noqa: F401  (and the export job)

    client = Client(headers={"Authorization": f"Bearer {key}"})
    baseline = peak_mb()
    start = time.perf_counter()
    response = fetch(client, f"/exports/dossiers.{extension}")
    size = 0
    with tempfile.TemporaryFile() as out:
        for chunk in response.streaming_content:
            size += out.write(chunk)
        response.close()
        out.seek(0)
        head = out.read(4)
    return {"seconds": round(time.perf_counter() - start, 1), "peak_mb": round(peak_mb(), 1),
            "baseline_mb": round(baseline, 1), "bytes": size, "head": head.hex(),
            "as_job": getattr(response, "as_job", False)}  # fmt: skip


def run_measure(extension: str, key: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", extension], input=key, capture_output=True, text=True,
        env=environment(), cwd=ROOT, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows_in_csv(key: str) -> int:
    """A check that the CSV holds every dossier: its lines, counted in a process of its own."""
    code = (
        "import sys; sys.path.insert(0, '.');"
        "from bench.bench_export import setup_django; setup_django();"
        "from bench.bench_export import fetch; from django.test import Client;"
        f"r = fetch(Client(headers={{'Authorization': 'Bearer {key}'}}), '/exports/dossiers.csv');"
        "print(sum(c.count(b'\\n') for c in r.streaming_content) - 1)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment(),
                          cwd=ROOT, check=True)  # fmt: skip
    return int(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=250_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench_export database")
    parser.add_argument("--measure", choices=("csv", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, sys.stdin.read().strip())))
        return
    if args.fill:
        setup_django()
        print(fill(args.dossiers))
        return

    admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB_NAME}")
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "--verbosity", "0"], cwd=ROOT,
                       env=environment(), check=True)  # fmt: skip
        start = time.perf_counter()
        filled = subprocess.run([sys.executable, __file__, "--fill", "--dossiers", str(args.dossiers)], cwd=ROOT,
                                env=environment(), check=True, capture_output=True, text=True)  # fmt: skip
        key = filled.stdout.strip().splitlines()[-1]
        print(f"Base {DB_NAME} : {args.dossiers} dossiers créés en {time.perf_counter() - start:.1f} s")
        lines = rows_in_csv(key)
        assert lines == args.dossiers, (lines, args.dossiers)
        print(f"Contrôle : le CSV contient {lines} lignes de dossiers (+ l'en-tête)")
        for extension in ("csv", "xlsx"):
            figures = run_measure(extension, key)
            verdict = "OK" if figures["peak_mb"] < PEAK_TARGET_MB else "AU-DESSUS DE LA CIBLE"
            how = "en travail de la file" if figures["as_job"] else "dans la requête"
            print(f"Export {extension.upper():4s} ({how}) : {figures['seconds']:6.1f} s ; {figures['bytes'] / 1e6:6.1f} Mo ; "
                  f"mémoire de pointe {figures['peak_mb']:.0f} Mo (Django chargé : {figures['baseline_mb']:.0f} Mo) "
                  f"; cible < {PEAK_TARGET_MB} Mo : {verdict}")  # fmt: skip
    finally:
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()

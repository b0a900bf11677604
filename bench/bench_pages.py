"""Portal pages with 250 000 dossiers in PostgreSQL: server time of each main page, per role.

    .venv/bin/python bench/bench_pages.py [--dossiers 250000] [--runs 7] [--keep]

1. (Re)creates the database bench_pages, migrates it and fills it as bench_export.py does (one enrolled
   publisher, N professionals, N dossiers over eight states with amounts and dates), plus each dossier's
   filing and decision transitions (the dashboards read them), and one account per role.
2. Each page is requested through Django's whole stack (middleware, sessions, templates) with the test
   client, signed in as the role that uses it: one warm-up, then --runs measures; prints the median and the
   slowest run against the 300 ms target. The network is left out: it is the same for every page.
3. The dashboards' figures are shared by every process, as in production where `sons dashboards` computes
   them every 5 minutes off the pages' path: that computation is timed apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_world, bench_export  # noqa: E402

DB_NAME = api_world.database_name("bench_pages")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
TARGET_MS = 300


def environment() -> dict[str, str]:
    return api_world.environment(DATABASE_URL, SONS_ALLOWED_HOSTS="testserver")  # the test client's host


def fill(count: int) -> None:
    from datetime import UTC, datetime, timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from sons.dossiers.models import Dossier, Transition
    from sons.suppliers.enums import Role
    from sons.suppliers.models import Membership, Organisation

    bench_export.fill(count)
    decided = {"advance_validated", "advance_paid", "balance_filed", "balance_validated", "balance_paid",
               "advance_to_complete", "in_recovery"}  # fmt: skip
    with transaction.atomic():
        rows = Dossier.objects.values_list("pk", "state", "advance_filed_on").iterator(chunk_size=10_000)
        batch = []
        for pk, state, filed in rows:
            at = datetime(filed.year, filed.month, filed.day, 10, tzinfo=UTC)
            batch.append(Transition(dossier_id=pk, name="file_advance", from_state="draft",
                                    to_state="advance_filed", actor_label="banc", at=at))  # fmt: skip
            if state in decided:
                batch.append(Transition(dossier_id=pk, name="validate_advance", from_state="advance_filed",
                                        to_state="advance_validated", actor_label="banc",
                                        at=at + timedelta(days=pk % 21)))  # fmt: skip
            if len(batch) >= 20_000:
                Transition.objects.bulk_create(batch, batch_size=5000)
                batch = []
        Transition.objects.bulk_create(batch, batch_size=5000)
        organisation = Organisation.objects.get()
        for username, role, org in (("fournisseur-banc", Role.SUPPLIER_MEMBER, organisation),
                                    ("agent-payeur-banc", Role.ASP_PAYING_AGENT, None),
                                    ("agent-ans-banc", Role.ANS_AGENT, None)):  # fmt: skip
            user = get_user_model().objects.create_user(username=username, password="x")
            Membership.objects.create(user=user, role=role, organisation=org)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pages() -> list[tuple[str, str, str]]:
    """(role's username, label, URL) of the main pages."""
    from sons.directory.models import Professional
    from sons.dossiers.models import Dossier

    count = Dossier.objects.count()
    dossier = Dossier.objects.order_by("pk")[min(125_000, count // 2)]
    rpps = Professional.objects.order_by("pk").values_list("rpps", flat=True)[min(1000, count // 2)]
    return [
        ("", "accueil", "/"),
        ("", "barème", "/bareme/"),
        ("", "calendrier", "/calendrier/"),
        ("", "solutions référencées", "/solutions/"),
        ("fournisseur-banc", "fournisseur : tableau de bord", "/fournisseur/"),
        ("fournisseur-banc", "fournisseur : mes dossiers", "/fournisseur/dossiers/"),
        (
            "fournisseur-banc",
            "fournisseur : dossiers à compléter",
            "/fournisseur/dossiers/?etat=advance_to_complete",
        ),
        ("fournisseur-banc", "fournisseur : recherche d'un Client", f"/fournisseur/clients/?q={rpps}"),
        ("fournisseur-banc", "fournisseur : page d'un dossier", f"/dossiers/{dossier.pk}/"),
        ("instructeur-banc", "instruction : file", "/instruction/"),
        ("instructeur-banc", "instruction : file filtrée (état)", "/instruction/?etat=advance_filed"),
        ("instructeur-banc", "instruction : file filtrée (profession)", "/instruction/?profession=mk"),
        ("instructeur-banc", "instruction : file, page 2000", "/instruction/?page=2000"),
        ("instructeur-banc", "instruction : page d'un dossier", f"/dossiers/{dossier.pk}/"),
        ("instructeur-banc", "recouvrements", "/recouvrements/"),
        ("instructeur-banc", "tableaux de bord", "/tableaux-de-bord/"),
        ("agent-payeur-banc", "lots de paiement", "/paiements/"),
        ("agent-ans-banc", "ANS : référencement", "/ans/"),
    ]


def with_second_factor(client, user) -> None:
    """A paying agent signs in with a second factor: its session is marked verified, as after the code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sons.accounts.twofactor import needs_second_factor

    if needs_second_factor(user):
        device = TOTPDevice.objects.get_or_create(user=user, name="banc", defaults={"confirmed": True})[0]
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def measure(runs: int) -> list[tuple[str, float, float, int]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {"": Client()}
    results = []
    for username, label, url in pages():
        if username not in clients:
            client = Client()
            user = get_user_model().objects.get(username=username)
            client.force_login(user)
            with_second_factor(client, user)
            clients[username] = client
        client = clients[username]
        status = client.get(url).status_code  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        results.append((label, statistics.median(times), max(times), status))
    return results


def refresh_time(runs: int) -> float:
    """Median time of `sons dashboards`' computation, which a timer runs every 5 minutes off the pages."""
    from sons.dossiers.figures import refresh

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        refresh()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the bench_pages database")
    parser.add_argument("--reuse", action="store_true", help="measure an existing bench_pages database")
    options = parser.parse_args()
    os.environ.update({k: v for k, v in environment().items() if k != "PYTHONPATH"})
    if not options.reuse:
        bench_export.admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        bench_export.admin(f"CREATE DATABASE {DB_NAME}")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                       env=environment(), check=True)  # fmt: skip
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=environment(), check=True
        )
    import django

    django.setup()
    try:
        if not options.reuse:
            start = time.perf_counter()
            fill(options.dossiers)
            print(f"base remplie : {options.dossiers} dossiers en {time.perf_counter() - start:.0f} s")
        print(f"{'page':45} {'médiane':>9} {'max':>9}  statut")
        slowest = 0.0
        for label, median, worst, status in measure(options.runs):
            slowest = max(slowest, median)
            print(f"{label:45} {median:7.1f} ms {worst:7.1f} ms  {status}")
        refresh_ms = refresh_time(options.runs)
        print(
            f"{'calcul des chiffres des tableaux de bord':45} {refresh_ms:7.1f} ms   (sons dashboards, hors page)"
        )
        verdict = "atteint" if slowest < TARGET_MS else "NON atteint"
        print(f"page la plus lente (médiane) : {slowest:.0f} ms — objectif < {TARGET_MS} ms : {verdict}")
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            bench_export.admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()

"""What the notifications cost the filing and validation pages: each page timed with its events written (as
shipped) and without them (the events switched off in this process: the pages as they were before the
notifications), on PostgreSQL.

    .venv/bin/python bench/bench_request_path.py [--requests 200] [--keep]

1. (Re)creates the database bench_request_path, migrates it, seeds one enrolled publisher with 4×N clients and
   files 2×N advance requests (the instructor's pages) and 2×N drafts, each with its signed order joined (the
   supplier's filing page). The publisher has a member who wants immediate e-mails and a webhook subscription
   to every event, so that a step with its events writes all it would write in production.
2. Through Django's whole stack (the test client, signed in): a supplier files a draft from its recap
   (POST /dossiers/<id>/deposer/), an instructor validates a filed request from its panel
   (POST /dossiers/<id>/decision/). The two modes alternate request by request, so that a drift of the machine
   weighs on both alike. Delivery (e-mails, webhooks) runs in the workers, off this path: no worker runs here.
3. Prints, per page and mode, the median and p95 server time, and the cost of the events in per cent of the
   median (the issue's target: within 10 %). Drops the database unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import api_world  # noqa: E402

DB_NAME = api_world.database_name("bench_request_path")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
TARGET = 10.0  # per cent


def environment() -> dict[str, str]:
    return api_world.environment(DATABASE_URL, SONS_ALLOWED_HOSTS="testserver")  # the test client's host


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **api_world.PG) as connection:
        connection.execute(sql)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@contextmanager
def without_events():
    """The steps write their history and audit as before, but no event (hence no notification, e-mail job or
    webhook delivery): the request path as it was before the notifications."""
    import sons.dossiers.actions
    import sons.lifecycle

    saved = sons.lifecycle.on_step, sons.dossiers.actions.record_events
    sons.lifecycle.on_step = lambda *args, **kwargs: []
    sons.dossiers.actions.record_events = lambda *args, **kwargs: []
    try:
        yield
    finally:
        sons.lifecycle.on_step, sons.dossiers.actions.record_events = saved


def fill(world: api_world.World, requests: int) -> tuple[list[int], list[int]]:
    """(drafts, filed requests), each with its signed order joined: 2×`requests` of each."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from sons.dossiers import actions
    from sons.dossiers.models import Dossier
    from sons.suppliers.enums import Role
    from sons.suppliers.models import Membership
    from sons.webhooks.models import Subscription
    from sons.webhooks.services import supplier_kinds

    principal = api_world._principal(world)
    count = 2 * requests
    filed = world.rpps[:count]
    drafts = world.rpps[count : 2 * count]
    for start in range(0, count, 500):
        actions.file_many(principal, api_world._items(world, filed[start : start + 500]))
        actions.file_many(principal, api_world._items(world, drafts[start : start + 500]), draft=True)
    draft_ids = list(Dossier.objects.filter(state="draft").order_by("pk").values_list("pk", flat=True))
    filed_ids = list(
        Dossier.objects.filter(state="advance_filed").order_by("pk").values_list("pk", flat=True)
    )
    with transaction.atomic():
        api_world.join_orders([*draft_ids, *filed_ids])  # the draft's filing and the validation require it
        users = get_user_model().objects
        supplier = users.create_user("fournisseur-banc", email="fournisseur@editeur.fr", password="x")
        Membership.objects.create(
            user=supplier, role=Role.SUPPLIER_MEMBER, organisation_id=world.organisation_id
        )
        instructor = users.create_user("instructeur-banc", email="instruction@asp.fr", password="x")
        Membership.objects.create(user=instructor, role=Role.ASP_INSTRUCTOR)
        Subscription.objects.create(organisation_id=world.organisation_id, url="https://editeur.example/sons",
                                    kinds=[kind for kind, _ in supplier_kinds()], secret="whsec_banc", created_by=supplier)  # fmt: skip
    return draft_ids, filed_ids


def measure(draft_ids: list[int], filed_ids: list[int]) -> dict[tuple[str, str], list[float]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    supplier, instructor = Client(), Client()
    supplier.force_login(users.get(username="fournisseur-banc"))
    instructor.force_login(users.get(username="instructeur-banc"))
    pages = {
        "dépôt d'un brouillon (fournisseur)": (supplier, "/dossiers/{}/deposer/", {}, draft_ids),
        "validation d'une demande (instructeur)": (
            instructor, "/dossiers/{}/decision/", {"decision": "validate", "motive": ""}, filed_ids,
        ),
    }  # fmt: skip
    times: dict[tuple[str, str], list[float]] = {}
    for label, (client, url, data, ids) in pages.items():
        client.post(url.format(ids[0]), data)  # warm-up (not counted)
        for i, pk in enumerate(ids[1:]):
            mode = "sans événements" if i % 2 else "avec événements"
            start = time.perf_counter()
            if i % 2:
                with without_events():
                    response = client.post(url.format(pk), data)
            else:
                response = client.post(url.format(pk), data)
            times.setdefault((label, mode), []).append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, (label, pk, response.status_code, response.content[:2000])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page and mode")
    parser.add_argument("--keep", action="store_true", help="keep the bench_request_path database")
    options = parser.parse_args()
    os.environ.update({k: v for k, v in environment().items() if k != "PYTHONPATH"})
    admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB_NAME}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=environment(),
                   check=True)  # fmt: skip
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in of the test clients
    from sons.notifications.models import Event
    from sons.webhooks.models import Delivery

    try:
        world = api_world.seed(4 * options.requests + 2)
        draft_ids, filed_ids = fill(world, options.requests)
        api_world.analyse()
        before = Event.objects.count(), Delivery.objects.count()
        times = measure(draft_ids, filed_ids)
        print(f"{'page':40} {'mode':17} {'médiane':>9} {'p95':>9}  requêtes")
        for (label, mode), values in times.items():
            print(f"{label:40} {mode:17} {statistics.median(values):7.1f} ms "
                  f"{percentile(values, 0.95):7.1f} ms  {len(values)}")  # fmt: skip
        for label in dict.fromkeys(label for label, _ in times):
            with_events = statistics.median(times[(label, "avec événements")])
            without = statistics.median(times[(label, "sans événements")])
            cost = 100 * (with_events - without) / without
            verdict = "atteint" if cost <= TARGET else "NON atteint"
            print(f"{label} : coût des événements {cost:+.1f} % de la médiane — objectif ≤ {TARGET:.0f} % : "
                  f"{verdict}")  # fmt: skip
        print(f"événements écrits pendant la mesure : {Event.objects.count() - before[0]}, livraisons de webhook "
              f"en attente : {Delivery.objects.count() - before[1]}")  # fmt: skip
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()

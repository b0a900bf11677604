"""The directory import under faults (issue 10, items 6, 7, 8 and 11): killed, its workers die with it and its
work tables go at the next import; the swap never makes readers wait a second; on SQLite readers keep reading
during an import."""

import os
import signal
import sqlite3
import subprocess
import threading
import time
import uuid

import psycopg
import pytest
from django.db import connection

from bench import faultkit
from sons.directory.imports import swap
from sons.directory.imports.rpps import import_rpps
from sons.directory.imports.rpps_generator import write
from sons.directory.models import Professional

PREFIX = "PS_LibreAcces_Personne_activite_"


@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("extraits")
    small, large = folder / f"{PREFIX}202601010000.txt", folder / f"{PREFIX}202602010000.txt"
    write(small, 3000, seed=5)
    write(large, 80_000, seed=6)
    return small, large


def sons_import(database_url: str, name: str, path, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [str(faultkit.BIN / "sons"), "import", "rpps", str(path), "--apply", *extra], cwd=faultkit.ROOT,
        env=faultkit.environment(database_url, name), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def work_tables(cursor) -> set[str]:
    return set(swap.WORK_TABLES) & set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_takes_its_workers_with_it_and_leaves_no_table(postgresql, database_url, extracts):
    small, large = extracts
    import_rpps(str(small), apply=True)
    before = Professional.objects.count()
    name = f"sons-import-{uuid.uuid4().hex[:8]}"
    process = sons_import(database_url, name, large)
    assert faultkit.wait_until(lambda: len(faultkit.children(process.pid)) >= 2, 30, 0.01), (
        process.communicate()
    )
    workers = faultkit.children(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=10)
    assert faultkit.wait_until(lambda: not any(faultkit.alive(pid) for pid in workers), 3), workers
    with connection.cursor() as cursor:
        assert "directory_professional_new" in work_tables(cursor)  # what the killed import left
    assert Professional.objects.count() == before  # the live directory is untouched
    report = import_rpps(str(small))  # the next import, even a dry run, starts by removing it
    assert not report.applied
    with connection.cursor() as cursor:
        assert work_tables(cursor) == set()
    assert faultkit.wait_until(lambda: faultkit.backends(database_url, name) == 0, 10)


@pytest.mark.django_db(transaction=True)
def test_the_swap_never_makes_readers_wait_a_second(postgresql, database_url, extracts):
    small, _ = extracts
    import_rpps(str(small), apply=True)
    rpps = Professional.objects.values_list("rpps", flat=True).first()
    waits, done = [], threading.Event()

    def lookups():
        with psycopg.connect(database_url, autocommit=True) as reader:
            while not done.is_set():
                start = time.monotonic()
                reader.execute(
                    "SELECT last_name FROM directory_professional WHERE rpps = %s", [rpps]
                ).fetchall()
                waits.append(time.monotonic() - start)
                time.sleep(0.02)

    outcome = {}

    def run_import():
        try:
            outcome["report"] = import_rpps(str(small), apply=True)
        except Exception as error:  # asserted below
            outcome["error"] = error
        finally:
            connection.close()

    with psycopg.connect(database_url) as long_reader:  # a report reading the directory for minutes
        long_reader.execute("SELECT count(*) FROM directory_professional").fetchone()
        reader = threading.Thread(target=lookups)
        reader.start()
        importer = threading.Thread(target=run_import)
        importer.start()
        time.sleep(3)
        assert importer.is_alive()  # the swap waits for the long reader, giving way to the others
        long_reader.rollback()
    importer.join(30)
    done.set()
    reader.join(5)
    assert "error" not in outcome, outcome
    assert outcome["report"].applied
    assert len(waits) > 50 and max(waits) < 1.0, max(waits)


@pytest.mark.django_db(transaction=True)
def test_a_swap_kept_waiting_too_long_is_abandoned_and_the_directory_kept(postgresql, database_url, extracts,
                                                                           settings):  # fmt: skip
    small, _ = extracts
    import_rpps(str(small), apply=True)
    before = set(Professional.objects.values_list("rpps", flat=True))
    settings.SONS_DIRECTORY_SWAP_SECONDS = 1.5
    with psycopg.connect(database_url) as long_reader:
        long_reader.execute("SELECT count(*) FROM directory_professional").fetchone()
        with pytest.raises(swap.SwapAbandoned, match="lecture trop longue"):
            import_rpps(str(small), apply=True)
    assert set(Professional.objects.values_list("rpps", flat=True)) == before


@pytest.fixture(scope="module")
def sqlite_database(tmp_path_factory, extracts):
    """A SQLite file migrated with the application's settings (write-ahead logging), a directory loaded."""
    path = tmp_path_factory.mktemp("sqlite") / "sons.sqlite3"
    url = f"sqlite:///{path}"
    env = faultkit.environment(url, "sons-sqlite")
    subprocess.run([str(faultkit.BIN / "python"), "manage.py", "migrate", "-v0"], cwd=faultkit.ROOT, env=env,
                   check=True)  # fmt: skip
    subprocess.run([str(faultkit.BIN / "sons"), "import", "rpps", str(extracts[0]), "--apply"], cwd=faultkit.ROOT,
                   env=env, check=True, capture_output=True)  # fmt: skip
    return path, url


def count(path) -> int:
    """A reader that does not wait: « database is locked » at once if a writer excludes it."""
    with sqlite3.connect(path, timeout=0.05) as reader:
        return reader.execute("SELECT count(*) FROM directory_professional").fetchone()[0]


def test_on_sqlite_readers_read_during_an_import_and_a_killed_one_leaves_nothing(sqlite_database, extracts):
    path, url = sqlite_database
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    before = count(path)
    process = sons_import(url, "sons-sqlite", extracts[1])
    reads, errors = 0, []
    while process.poll() is None:
        start = time.monotonic()
        try:
            count(path)  # the old directory until the import commits, then the new one
            reads += 1
        except sqlite3.OperationalError as error:  # « database is locked »
            errors.append(str(error))
        assert time.monotonic() - start < 1.0
        time.sleep(0.01)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert reads > 10 and errors == []
    after = count(path)
    assert after > before
    # Killed halfway: nothing of it remains, the directory is the one before.
    process = sons_import(url, "sons-sqlite", extracts[0])
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=10)
    assert count(path) in (after, before)
    tables = {
        row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert not tables & set(swap.WORK_TABLES)

"""Backup and restore as docs/operations.md tells the operator: pg_dump of a database holding the demo data,
pg_restore into a new database, then the same row counts in every table and `sons audit verify` clean on the
restored copy. PostgreSQL only (the production database)."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.skipif(
    not os.environ.get("SONS_TEST_DATABASE_URL"), reason="la sauvegarde se prouve sur PostgreSQL"
)
ROOT = Path(__file__).resolve().parents[2]


def pg_args(name: str) -> list[str]:
    s = connection.settings_dict
    return [
        "-h",
        s["HOST"] or "127.0.0.1",
        "-p",
        str(s["PORT"] or 5432),
        "-U",
        s["USER"] or "postgres",
        "-d",
        name,
    ]


def counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    found = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        found[table] = cursor.fetchone()[0]
    return found


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump absent")
def test_a_dump_restores_into_a_new_database_with_the_same_rows_and_a_sound_audit_chain(
    transactional_db, tmp_path
):
    import psycopg

    call_command("seed_demo", stdout=io.StringIO())
    with connection.cursor() as cursor:
        before = counts(cursor)
    assert before["dossiers_dossier"] >= 16 and before["audit_auditentry"] > 0
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restore_{os.getpid()}"  # unique, and named after the test database
    dump = tmp_path / "sons.dump"
    s = connection.settings_dict
    server = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"] or "postgres"}
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *pg_args(source)], check=True
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *pg_args(restored), str(dump)], check=True
        )
        with psycopg.connect(dbname=restored, **server) as copy, copy.cursor() as cursor:
            assert counts(cursor) == before
        url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{restored}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "SONS_TEST_DATABASE_URL": url}
        verify = subprocess.run([Path(sys.executable).with_name("sons"), "audit", "verify"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        assert verify.returncode == 0, verify.stderr
        assert verify.stdout.startswith("Journal d'audit intègre")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')

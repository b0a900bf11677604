"""Build a directory table beside the live one, compare them, and swap them in one transaction."""

from __future__ import annotations

import re
import uuid

from django.db import connection


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def create_like(model, table: str) -> None:
    """An empty table with the model's columns and constraints, named `table`. Its indexes get names of their
    own (index names are global on PostgreSQL, and the live table keeps its names until it is dropped)."""
    live = model._meta.db_table
    if connection.vendor == "sqlite":
        # SQLite's schema editor refuses to run inside a transaction; its catalogue has the exact statements.
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [live])
            statements = [row[0] for row in cursor.fetchall()]
    else:
        with connection.schema_editor(collect_sql=True) as editor:
            editor.create_model(model)
        statements = editor.collected_sql
    suffix = uuid.uuid4().hex[:8]

    def rename(match):
        rest = match.group(1)
        return f'"{table}"' if rest is None else '"' + f"{live[:20]}_{suffix}{rest}"[:60] + '"'

    pattern = re.compile(rf'"{re.escape(live)}(_\w+)?"')
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        for statement in statements:
            cursor.execute(pattern.sub(rename, statement).rstrip(";"))


def swap(model, new_table: str) -> None:
    """Must run inside a transaction: readers see the old table until the commit, then the new one."""
    live = model._meta.db_table
    old = f"{live}_old"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(old)}")
        cursor.execute(f"ALTER TABLE {quote(live)} RENAME TO {quote(old)}")
        cursor.execute(f"ALTER TABLE {quote(new_table)} RENAME TO {quote(live)}")
        cursor.execute(f"DROP TABLE {quote(old)}")


def drop(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")

"""Build a directory table beside the live one, compare them, and swap them in one transaction."""

from __future__ import annotations

import re
import uuid

from django.db import connection


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def create_like(model, table: str) -> None:
    """SQLite: an empty table with the model's columns, constraints and indexes, named `table`, from the
    catalogue's own statements (SQLite's schema editor refuses to run inside a transaction). Its indexes get
    names of their own, as the live table keeps its names until it is dropped. PostgreSQL uses
    `create_unindexed_like` and `index_like`."""
    live = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [live])
        statements = [row[0] for row in cursor.fetchall()]
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


def create_unindexed_like(model, table: str) -> None:
    """PostgreSQL: the model's columns without its indexes; `index_like` adds them once the rows are in,
    which builds each index in one sorted pass instead of maintaining it row by row."""
    live = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
        cursor.execute(
            f"CREATE TABLE {quote(table)} (LIKE {quote(live)} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )


def index_like(model, table: str) -> None:
    live = model._meta.db_table
    suffix = uuid.uuid4().hex[:8]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [live],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [live, live],
        )
        indexes = cursor.fetchall()
        for name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name[:50] + '_' + suffix)} {definition}"
            )
        for name, definition in indexes:
            unique, using = re.match(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ (USING .*)$", definition).groups()
            cursor.execute(
                f"CREATE {unique or ''}INDEX {quote(name[:50] + '_' + suffix)} ON {quote(table)} {using}"
            )

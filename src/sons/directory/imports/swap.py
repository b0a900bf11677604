"""Build a directory table beside the live one, compare them, and swap them in one transaction."""

from __future__ import annotations

import contextlib
import re
import time
import uuid

from django.conf import settings
from django.db import OperationalError, connection, transaction

from sons import locks

# Every table an import builds beside the live ones; an import killed half-way may leave them behind.
WORK_TABLES = (
    "directory_professional_new",
    "directory_professional_old",
    "directory_rpps_staging",
    "directory_rpps_raw",
    "directory_rpps_parallel",
)
# The swap waits for the directory's readers this long at a time (new readers queue behind a waiting
# rename, so this is the most they wait), then lets them through and tries again.
SWAP_LOCK_TIMEOUT_MS = 500
SWAP_PAUSE_SECONDS = 0.5


class SwapAbandoned(Exception):
    """The live directory stayed busy past SONS_DIRECTORY_SWAP_SECONDS: the import is rolled back."""


class ImportBusy(Exception):
    """Another import of the directory is running: this one does nothing."""


@contextlib.contextmanager
def import_alone():
    """One import at a time (RPPS or centres: they share the work tables); the tables a killed import left
    behind are dropped first, so that they never linger into the next backup."""
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locks.run_alone("directory-import"))
        except locks.Busy:
            raise ImportBusy(
                "Un autre import de l'annuaire est en cours : celui-ci s'arrête sans rien modifier."
            ) from None
        drop_work_tables()
        yield


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
    """Must run inside a transaction: readers see the old table until the commit, then the new one.

    On PostgreSQL the renames need the live table to themselves: a long reader would make them wait, and
    every lookup queued behind them. They wait SWAP_LOCK_TIMEOUT_MS at most, give way, and try again, for
    SONS_DIRECTORY_SWAP_SECONDS in all; then the import is refused and the previous directory stays."""
    live = model._meta.db_table
    old = f"{live}_old"
    postgres = connection.vendor == "postgresql"
    deadline = time.monotonic() + float(getattr(settings, "SONS_DIRECTORY_SWAP_SECONDS", 300))
    while True:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if postgres:
                    cursor.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT_MS}ms'")
                cursor.execute(f"DROP TABLE IF EXISTS {quote(old)}")
                cursor.execute(f"ALTER TABLE {quote(live)} RENAME TO {quote(old)}")
                cursor.execute(f"ALTER TABLE {quote(new_table)} RENAME TO {quote(live)}")
                cursor.execute(f"DROP TABLE {quote(old)}")
                if postgres:
                    cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            return
        except OperationalError:
            if not postgres or time.monotonic() > deadline:
                raise SwapAbandoned(
                    "L'annuaire est occupé par une lecture trop longue : remplacement abandonné, données "
                    "précédentes conservées ; relancez l'import."
                ) from None
            time.sleep(SWAP_PAUSE_SECONDS)


def drop_work_tables() -> list[str]:
    """Drops what a killed import left behind (the caller holds the import lock); returns their names."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        stray = [table for table in WORK_TABLES if table in existing]
        for table in stray:
            cursor.execute(f"DROP TABLE IF EXISTS {quote(table)}")
    return stray


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

"""Work that must not run twice at once: the daily jobs, the directory imports, the payment batch preparation.

- `run_alone(name)`: a job (a command) takes its lock or learns that another run holds it, without waiting.
  On PostgreSQL a session advisory lock on its own connection (several machines may run the jobs); on SQLite
  an flock on a file beside the database (one machine). Either is released when the process ends, however it
  ends: a killed run never blocks the next one.
- `wait_in_transaction(name, seconds)`: inside a transaction, wait at most `seconds` for the others holding
  the same name (PostgreSQL advisory transaction lock); `Busy` after that. SQLite serialises writers anyway.
"""

from __future__ import annotations

import contextlib
import fcntl
import zlib
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection, connections, transaction


class Busy(Exception):
    """Another run holds the lock."""


def _key(name: str) -> int:
    # A stable 32-bit key per name (hash() changes between processes).
    return zlib.crc32(f"sons:{name}".encode())


@contextlib.contextmanager
def run_alone(name: str):
    """Holds the lock `name` for the block; raises Busy at once if another process holds it."""
    if connection.vendor == "postgresql":
        with _advisory(name):
            yield
    else:
        with _flock(name):
            yield


@contextlib.contextmanager
def _advisory(name: str):
    own = connections.create_connection("default")  # not the job's own: it may close and reopen it
    try:
        with own.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            if not cursor.fetchone()[0]:
                raise Busy(name)
        yield
    finally:
        own.close()  # ends the session, and its lock with it


@contextlib.contextmanager
def _flock(name: str):
    database = str(connection.settings_dict.get("NAME") or "")
    folder = Path(settings.VAR_DIR) if connection.is_in_memory_db() else Path(database).parent
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"sons-{name}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(name) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_in_transaction(name: str, seconds: float) -> None:
    """Inside transaction.atomic(): the lock `name` until the transaction ends; Busy after `seconds`."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'")
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_key(name)])
        except OperationalError:
            raise Busy(name) from None
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")

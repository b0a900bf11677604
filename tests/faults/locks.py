"""Holding the database's locks from another connection, and seeing who waits on them (PostgreSQL)."""

import contextlib

import psycopg

from bench import faultkit


@contextlib.contextmanager
def audit_head_held(database_url: str):
    """Holds the audit journal's head (SELECT … FOR UPDATE) from another connection: every write request
    stops inside its transaction, after its first changes, until the block ends."""
    with psycopg.connect(database_url) as holder:
        holder.execute("INSERT INTO audit_audithead (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT DO NOTHING",
                       ["0" * 64])  # fmt: skip
        holder.commit()
        holder.execute("SELECT * FROM audit_audithead WHERE id = 1 FOR UPDATE")
        yield holder
        holder.commit()


def waiting_on_a_lock(database_url: str, application_name: str) -> bool:
    with faultkit.admin(database_url) as admin:
        return (
            admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s "
                "AND wait_event_type = 'Lock'",
                [application_name],
            ).fetchone()[0]
            > 0
        )

"""Faults on real processes (PostgreSQL): a gunicorn on 127.0.0.1 serving the test database, its workers
killed, its database connections cut. The data is committed (transactional tests) so the server sees it."""

import contextlib
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from django.db import connection

from bench import faultkit
from tests.api.conftest import filing
from tests.db_factories import (
    CentreFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
    supplier_token,
)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("les pannes sur processus réels se prouvent sur PostgreSQL")


@pytest.fixture
def database_url(postgresql) -> str:
    return faultkit.database_url_of(connection.settings_dict)


@dataclass
class LiveWorld:
    key: str
    version: object
    organisation: object
    professionals: list
    centre: object

    def filing(self, index: int = 0) -> dict:
        return filing(self, rpps=self.professionals[index].rpps)


@pytest.fixture
def live_world(today, postgresql, transactional_db) -> LiveWorld:
    today("2026-09-01")
    version = enrolled_publisher_version()
    organisation = version.solution.publisher.organisation
    EnrolmentFactory(organisation=OrganisationFactory())
    return LiveWorld(
        key=supplier_token(organisation)[1], version=version, organisation=organisation,
        professionals=ProfessionalFactory.create_batch(30), centre=CentreFactory(),
    )  # fmt: skip


@pytest.fixture
def server(database_url, live_world, tmp_path):
    name = f"sons-faults-{uuid.uuid4().hex[:8]}"
    with faultkit.Server(
        database_url, workers=2, timeout=20, name=name,
        extra_env={"SONS_DOCUMENTS_DIR": str(tmp_path / "documents"), "SONS_REQUEST_TIMEOUT_SECONDS": "10"},
    ) as running:  # fmt: skip
        yield running
    connection.close()


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

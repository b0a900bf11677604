"""Faults on real processes (PostgreSQL): a gunicorn on 127.0.0.1 serving the test database, its workers
killed, its database connections cut. The data is committed (transactional tests) so the server sees it."""

import uuid
from dataclasses import dataclass

import pytest
from django.db import connection

from bench import faultkit
from tests.db_factories import (
    CentreFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
    supplier_token,
)
from tests.worlds import filing


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

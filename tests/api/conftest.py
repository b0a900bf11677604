"""A small world for the API: a publisher enrolled with a referenced solution, a distributor, the directory,
ASP and ANS agents; each actor with its bearer token."""

import copy
from dataclasses import dataclass

import pytest
from django.test import Client

from sons.suppliers.enums import Role
from tests.db_factories import (
    CentreFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
    staff,
    supplier_token,
)
from tests.factories import BASE


class Api:
    def __init__(self, key: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **kwargs):
        return self.client.get(f"/api{path}", headers=self.headers, **kwargs)

    def post(self, path, data=None, *, key: str | None = None, content_type="application/json", **kwargs):
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        return self.client.post(f"/api{path}", data=data if data is not None else {}, content_type=content_type,
                                headers=headers, **kwargs)  # fmt: skip


@dataclass
class World:
    supplier: Api
    other_supplier: Api
    instructor: Api
    paying_agent: Api
    ans: Api
    version: object
    organisation: object
    professionals: list
    centre: object


@pytest.fixture
def world(today, db):
    today("2026-09-01")
    version = enrolled_publisher_version()
    organisation = version.solution.publisher.organisation
    other = OrganisationFactory()
    EnrolmentFactory(organisation=other)
    return World(
        supplier=Api(supplier_token(organisation)[1]),
        other_supplier=Api(supplier_token(other)[1]),
        instructor=Api(staff(Role.ASP_INSTRUCTOR, "instructeur")[1]),
        paying_agent=Api(staff(Role.ASP_PAYING_AGENT, "agent-payeur")[1]),
        ans=Api(staff(Role.ANS_AGENT, "agent-ans")[1]),
        version=version,
        organisation=organisation,
        professionals=ProfessionalFactory.create_batch(8),
        centre=CentreFactory(),
    )


def order(**changes) -> dict:
    """The simulator's conforming order (tests/factories.py), issued before the version's referencing date."""
    return {**copy.deepcopy(BASE["order"]), "issued_on": "2026-08-01", **changes}


def filing(world, rpps: str | None = None, **order_changes) -> dict:
    return {
        "client": {"rpps": rpps or world.professionals[0].rpps},
        "solution_version_id": world.version.pk,
        "order": order(**order_changes),
        "de_minimis_other_aid": "0.00",
    }


BALANCE = {
    "completed_on": "2027-12-01",
    "va": {"signed_on": "2027-12-05", "signature": "psc",
           "functions": ["psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received",
                         "send_mes", "consult_mes", "segur_documents"]},
    "invoice": {"issued_on": "2027-12-06", "amount": "270.00", "in_client_name": True},
}  # fmt: skip

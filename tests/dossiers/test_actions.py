"""§4.2 unicity in the database: 50 suppliers filing the same RPPS at the same instant get one dossier."""

import pytest
from django.db import connection

from sons.dossiers.actions import file_one
from sons.dossiers.models import Dossier
from sons.errors import Conflict
from tests.concurrency import run_together
from tests.db_factories import (
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    SolutionVersionFactory,
    supplier_token,
)
from tests.worlds import order

FILERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_filings_of_the_same_client(today):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    today("2026-09-01")
    professional = ProfessionalFactory()
    version = SolutionVersionFactory()
    principals = []
    for _ in range(FILERS):
        organisation = OrganisationFactory()
        EnrolmentFactory(organisation=organisation)
        principals.append(supplier_token(organisation)[0])
    data = {
        "client": {"rpps": professional.rpps},
        "solution_version_id": version.pk,
        "order": order(),
        "de_minimis_other_aid": "0.00",
    }
    outcomes = run_together(lambda principal: file_one(principal, data), principals)

    refusals = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(outcomes) == FILERS
    assert [type(o) for o in outcomes if not isinstance(o, Conflict)] == [Dossier]
    assert len(refusals) == FILERS - 1
    assert {r.status for r in refusals} == {409}
    assert all("bénéficie déjà d'une commande" in r.message for r in refusals)
    assert Dossier.objects.filter(client_key=f"rpps:{professional.rpps}").count() == 1

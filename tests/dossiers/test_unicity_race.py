"""§4.2 unicity in the database: 50 suppliers filing the same RPPS at the same instant get one dossier."""

import threading

import pytest
from django.db import connection

from sons.api.schemas import DossierIn
from sons.dossiers.actions import FilingRefused, file_one
from sons.dossiers.models import Dossier
from tests.api.conftest import order
from tests.db_factories import (
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    SolutionVersionFactory,
    supplier_token,
)

FILERS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_filings_of_the_same_client(settings):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    settings.SONS_TODAY = "2026-09-01"
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
    declaration = DossierIn.model_validate(data).dict()  # typed as the API hands it over
    start = threading.Barrier(FILERS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def file(principal):
        try:
            start.wait()
            try:
                result = file_one(principal, declaration)
            except FilingRefused as error:
                result = error
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(p,)) for p in principals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    refusals = [o for o in outcomes if isinstance(o, FilingRefused)]
    assert len(outcomes) == FILERS
    assert len(refusals) == FILERS - 1
    assert {r.status for r in refusals} == {409}
    assert all("bénéficie déjà d'une commande" in r.message for r in refusals)
    assert Dossier.objects.filter(client_key=f"rpps:{professional.rpps}").count() == 1

"""Two paying agents preparing batches at the same instant never put one request in both (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from sons.api.schemas import DossierIn
from sons.dossiers.actions import file_many, validate
from sons.payments.actions import prepare_batch
from sons.payments.models import Payment
from sons.suppliers.enums import Role
from tests.api.conftest import order
from tests.db_factories import ProfessionalFactory, enrolled_publisher_version, staff, supplier_token

PREPARERS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_take_disjoint_requests(settings):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    settings.SONS_TODAY = "2026-09-01"
    version = enrolled_publisher_version()
    supplier = supplier_token(version.solution.publisher.organisation)[0]
    instructor = staff(Role.ASP_INSTRUCTOR, "instructeur")[0]
    agents = [staff(Role.ASP_PAYING_AGENT, f"agent-{n}")[0] for n in range(PREPARERS)]
    items = [
        DossierIn.model_validate({"client": {"rpps": p.rpps}, "solution_version_id": version.pk, "order": order(),
                                  "de_minimis_other_aid": "0.00"}).dict()
        for p in ProfessionalFactory.create_batch(40)
    ]  # fmt: skip
    for result in file_many(supplier, items):
        validate(instructor, result.dossier)
    start = threading.Barrier(PREPARERS)
    batches = []

    def prepare(agent):
        try:
            start.wait()
            batches.append(prepare_batch(agent, limit=25))
        finally:
            connection.close()

    threads = [threading.Thread(target=prepare, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    payments = list(Payment.objects.values_list("dossier_id", flat=True))
    assert len(payments) == 40
    assert len(set(payments)) == 40
    assert sum(b.payments.count() for b in batches if b is not None) == 40

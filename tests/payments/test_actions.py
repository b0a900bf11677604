"""Two paying agents preparing batches at the same instant never put one request in both (PostgreSQL)."""

import pytest
from django.db import connection

from sons.payments.actions import prepare_batch
from sons.payments.models import Payment
from tests.concurrency import run_together
from tests.payments.world import paying_agents_and_validated_advances

PREPARERS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_take_disjoint_requests(today):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    today("2026-09-01")
    agents = paying_agents_and_validated_advances(PREPARERS, 40)
    batches = run_together(lambda agent: prepare_batch(agent, limit=25), agents)
    assert not [b for b in batches if isinstance(b, Exception)], batches

    payments = list(Payment.objects.values_list("dossier_id", flat=True))
    assert len(payments) == 40
    assert len(set(payments)) == 40
    assert sum(b.payments.count() for b in batches if b is not None) == 40

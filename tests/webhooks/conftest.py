import pytest
from django.db import transaction

from sons.notifications.enums import EventKind
from sons.notifications.events import record_event
from sons.webhooks import services
from tests.db_factories import OrganisationFactory, supplier_token
from tests.jobs.conftest import sqlite_template, world  # noqa: F401  (processes sharing one database)

from .receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def subscribe(organisation, url: str, kinds=(EventKind.VALIDATED,)):
    """A subscription made by the organisation's own systems (its token's principal); (subscription, secret)."""
    principal, _ = supplier_token(organisation)
    return services.create_subscription(principal, url, list(kinds), "logiciel de test")


def happen(organisation, kind=EventKind.VALIDATED, **payload):
    with transaction.atomic():
        return record_event(kind, organisation=organisation, payload=payload or {"dossier_id": 1})


@pytest.fixture
def organisation(db):
    return OrganisationFactory()

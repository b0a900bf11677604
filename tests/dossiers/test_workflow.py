"""The dossier's lifecycle, walked through the domain's actions: the DossierFactory reaches every state of the
transitions table, each step leaving its history row."""

import pytest

from sons.dossiers.enums import DossierState
from sons.dossiers.workflow import DOSSIER
from tests.db_factories import ROUTES, DossierFactory

pytestmark = pytest.mark.django_db


def test_every_state_has_a_route():
    assert set(ROUTES) == set(DossierState.values)


@pytest.mark.parametrize("state", DossierState.values)
def test_the_factory_reaches_each_state_through_the_workflow(today, state):
    today("2026-09-01")
    dossier = DossierFactory(**{state: True})
    assert dossier.state == state
    history = list(dossier.transitions.values_list("name", "to_state"))
    if state != DossierState.DRAFT:
        assert history[-1][1] == state
        assert all(name in DOSSIER.steps for name, _ in history)

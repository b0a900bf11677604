"""One badge colour per family of dossier states (in progress, to complete, validated, paid, rejected, recovery),
declared once next to the states (dossiers.enums) and drawn by one partial (the `state_badge` tag)."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from sons.dossiers.enums import FAMILY_BADGES, STATE_FAMILIES, DossierState, StateFamily
from sons.dossiers.models import Dossier
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, enrolled_publisher_version
from tests.portal.world import PASSWORD, account


def test_every_state_has_a_family_and_every_family_its_own_colour():
    assert set(STATE_FAMILIES) == set(DossierState)
    assert set(STATE_FAMILIES.values()) == set(StateFamily)
    assert len(set(FAMILY_BADGES.values())) == len(StateFamily)


@pytest.mark.parametrize(
    ("state", "colour"),
    [
        (DossierState.ADVANCE_FILED, "fr-badge--info"),
        (DossierState.BALANCE_TO_COMPLETE, "fr-badge--warning"),
        (DossierState.ADVANCE_VALIDATED, "fr-badge--green-menthe"),
        (DossierState.BALANCE_PAID, "fr-badge--success"),
        (DossierState.ADVANCE_REJECTED, "fr-badge--error"),
        (DossierState.RECOVERY_ORDERED, "fr-badge--purple-glycine"),
    ],
)
def test_the_badge_of_a_state_has_its_familys_colour(state, colour):
    html = Template("{% state_badge dossier %}").render(Context({"dossier": Dossier(state=state)}))
    assert f'class="fr-badge {colour}"' in html
    assert f">{escape(state.label)}</span>" in html


@pytest.mark.django_db
def test_the_suppliers_list_colours_each_dossier_by_its_family(client, today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    account("editeur", Role.SUPPLIER_MEMBER, version.solution.publisher.organisation)
    DossierFactory(version=version, advance_filed=True)
    DossierFactory(version=version, advance_rejected=True)
    DossierFactory(version=version, advance_paid=True)
    assert client.login(username="editeur", password=PASSWORD)
    page = client.get(reverse("portal:supplier_dossiers")).content.decode()
    families = re.findall(r'class="fr-badge (fr-badge--[a-z-]+)" data-famille="([a-z_]+)"', page)
    assert sorted(families) == [("fr-badge--error", "rejected"), ("fr-badge--info", "in_progress"),
                                ("fr-badge--success", "paid")]  # fmt: skip

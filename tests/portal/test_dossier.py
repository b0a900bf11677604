"""The dossier's page (views/dossier.py) and what every page shares: deadlines with their French label (never a
code such as « conditional_order_until »), one colour per family of states, the AF's figures read from the
parameters."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from sons.rules import load_parameters
from sons.rules.codes import DEADLINES
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def conditional(today):
    """An order signed before its version's referencing: the 120 days to file the complete dossier run."""
    today("2026-09-01")
    dossier = DossierFactory(order={"mention_conditional_referencing": True})
    version = dossier.solution_version
    version.referencing, version.referenced_on, version.complete_dossier_on = "pending", None, None
    version.save()
    return dossier


def test_deadlines_are_shown_with_their_french_label_never_their_code(conditional):
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur", conditional.supplier)
    for url in (reverse("portal:dossier", args=[conditional.pk]), reverse("portal:supplier_home")):
        page = supplier.get(url).content.decode()
        assert "Fin du délai de dépôt du dossier complet de référencement" in page, url
        shown = [
            code
            for code in [*DEADLINES.codes, "conditional_order_until"]
            if f">{code}<" in page or f" {code}" in page
        ]
        assert not shown, (url, shown)


def test_one_colour_per_family_of_states(today):
    today("2026-09-01")
    colours = {}
    for trait in ("advance_filed", "advance_to_complete", "advance_validated", "advance_paid", "advance_rejected",
                  "in_recovery"):  # fmt: skip
        dossier = DossierFactory(**{trait: True})
        page = signed_in(Role.ASP_INSTRUCTOR, f"instructeur-{trait}").get(
            reverse("portal:dossier", args=[dossier.pk])
        )
        badge = page.content.decode().split('data-testid="etat"')[0].rsplit("<span", 1)[1]
        colours[trait] = badge
    assert len(set(colours.values())) == 6  # in progress, to complete, validated, paid, rejected, recovery


def test_the_af_figures_come_from_the_parameters(today, monkeypatch):
    today("2026-09-01")
    dossier = DossierFactory()
    amended = load_parameters().with_value("advance_share", date(2026, 1, 1), Decimal("0.30"), "test")
    monkeypatch.setattr("sons.portal.context.load_parameters", lambda: amended)
    page = signed_in(Role.ASP_INSTRUCTOR, "instructeur").get(reverse("portal:dossier", args=[dossier.pk]))
    assert "Avance (30 %)" in page.content.decode()

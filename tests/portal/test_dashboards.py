"""Dashboards: exact figures for a small known dataset, SVG charts each followed by its table, staff only,
a handful of aggregate queries whatever the number of dossiers."""

from datetime import UTC, date, datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sons.directory.enums import Profession
from sons.dossiers import figures as dashboards
from sons.dossiers.enums import DossierState as S
from sons.portal.charts import Bar, bar_chart
from sons.suppliers.enums import Role
from tests.db_factories import OrganisationFactory, enrolled_publisher_version
from tests.portal.factories import decided_after, dossier, signed_in, transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_figures():
    caches["figures"].delete(dashboards.CACHE_KEY)


@pytest.fixture
def dataset():
    """Seven dossiers: 2 IDE, 1 IPA, 1 MK, 1 centre, 1 professional unknown to the directory, 1 draft."""
    v = enrolled_publisher_version()
    paid_1 = dossier(
        v, S.ADVANCE_PAID, financed="270.00", paid_advance="108.00", advance_filed_on=date(2026, 9, 3)
    )
    paid_2 = dossier(v, S.BALANCE_PAID, financed="270.00", paid_advance="108.00", paid_balance="162.00",
                     advance_filed_on=date(2026, 9, 20), profession=Profession.IDE, is_ipa=True)  # fmt: skip
    recovered = dossier(v, S.RECOVERED, financed="400.00", paid_advance="160.00", recovered="160.00",
                        profession=Profession.MK, advance_filed_on=date(2026, 10, 1))  # fmt: skip
    validated = dossier(
        v, S.ADVANCE_VALIDATED, financed="4050.00", centre=True, advance_filed_on=date(2026, 10, 2)
    )
    filed = dossier(v, S.ADVANCE_FILED, financed="270.00", advance_filed_on=date(2026, 11, 5))
    dossier(v, S.ADVANCE_REJECTED, financed="270.00", profession=None, advance_filed_on=date(2026, 11, 6))
    dossier(v, S.DRAFT, financed="270.00")
    # Advance decisions after 2, 3, 4 and 9 days; a balance decided after 10.5 days; `filed` is undecided.
    decided_after(paid_1, 2)
    decided_after(validated, 3)
    decided_after(paid_2, 4)
    decided_after(recovered, 9)
    decided_after(paid_2, 10.5, request="balance")
    transition(filed, "file_advance", datetime(2026, 11, 5, 10, 0, tzinfo=UTC))
    return v


@pytest.fixture
def instructor():
    return signed_in(Role.ASP_INSTRUCTOR, "instructeur")


def test_exact_figures(instructor, dataset):
    response = instructor.get(reverse("portal:dashboards"))
    context = response.context
    page = response.content.decode()
    assert response.status_code == 200

    totals = context["totals"]
    assert (totals["n"], totals["financed_fr"], totals["paid_fr"], totals["recovered_fr"]) == (
        7, "5 800,00 €", "538,00 €", "160,00 €",
    )  # fmt: skip
    states = {row["label"]: (row["n"], row["financed_fr"], row["paid_fr"]) for row in context["states"]}
    assert states == {
        "Brouillon": (1, "270,00 €", "0,00 €"),
        "Demande d'avance déposée": (1, "270,00 €", "0,00 €"),
        "Demande d'avance rejetée": (1, "270,00 €", "0,00 €"),
        "Avance validée": (1, "4 050,00 €", "0,00 €"),
        "Avance versée": (1, "270,00 €", "108,00 €"),
        "Solde versé": (1, "270,00 €", "270,00 €"),
        "Recouvré": (1, "400,00 €", "160,00 €"),
    }
    professions = {row["label"]: (row["n"], row["financed_fr"]) for row in context["professions"]}
    assert professions == {
        "Infirmier(ère) diplômé(e) d'État (IDE)": (3, "810,00 €"),  # paid_1, filed, draft
        "Infirmier(ère) en pratique avancée (IPA)": (1, "270,00 €"),
        "Masseur-kinésithérapeute": (1, "400,00 €"),
        "Centre de santé infirmier": (1, "4 050,00 €"),
        "Profession absente de l’annuaire": (1, "270,00 €"),
    }
    months = [(row["label"], row["n"], row["financed_fr"]) for row in context["months"]]
    assert months == [
        ("septembre 2026", 2, "540,00 €"),
        ("octobre 2026", 2, "4 450,00 €"),
        ("novembre 2026", 2, "540,00 €"),
    ]
    assert context["months_totals"]["n"] == 6  # the draft was never filed
    flow = [(row["label"], row["amount_fr"]) for row in context["flow"]]
    assert flow == [
        ("Engagé (montant financé des avances validées)", "4 990,00 €"),  # 4050 + 270 + 270 + 400
        ("Versé aux Fournisseurs (avances et soldes)", "538,00 €"),
        ("Reversé au titre des recouvrements", "160,00 €"),
    ]
    delays = [(d["label"], d["n"], d["median_fr"], d["mean_fr"]) for d in context["delays"]]
    assert delays == [("Demande d’avance", 4, "3,5 j", "4,5 j"), ("Demande de solde", 1, "10,5 j", "10,5 j")]

    # French figures in the page, each chart followed by its table.
    assert "5 800,00 €" in page and "4 990,00 €" in page and "septembre 2026" in page
    assert page.count("<svg") == 8
    assert page.count('role="img"') == 8
    assert "<title" in page and "<desc" in page
    for caption in ["Dossiers et montants par état", "Délais de décision, en jours",
                    "Montants engagés, versés et reversés"]:  # fmt: skip
        assert f"<caption>{caption}" in page
    assert '<th scope="col">État</th>' in page


def test_median_of_an_odd_count(instructor):
    v = enrolled_publisher_version()
    for days in (1, 5, 30):
        decided_after(dossier(v, S.ADVANCE_VALIDATED), days)
    (advance, balance) = instructor.get(reverse("portal:dashboards")).context["delays"]
    assert (advance["n"], advance["median_fr"], advance["mean_fr"]) == (3, "5,0 j", "12,0 j")
    assert (balance["n"], balance["median_fr"], balance["mean_fr"]) == (0, "—", "—")


def test_empty_dashboards(instructor):
    page = instructor.get(reverse("portal:dashboards")).content.decode()
    assert "Aucun dossier." in page and "Aucune donnée." in page


def test_a_handful_of_queries_whatever_the_number_of_dossiers(instructor):
    v = enrolled_publisher_version()
    few = dossier(
        v, S.ADVANCE_PAID, financed="270.00", paid_advance="108.00", advance_filed_on=date(2026, 9, 3)
    )
    decided_after(few, 3)
    with CaptureQueriesContext(connection) as small:
        instructor.get(reverse("portal:dashboards"))
    for n in range(40):
        decided_after(dossier(v, S.ADVANCE_VALIDATED, advance_filed_on=date(2026, 9 + n % 3, 1)), n)
    caches["figures"].delete(dashboards.CACHE_KEY)
    with CaptureQueriesContext(connection) as large:
        instructor.get(reverse("portal:dashboards"))
    assert len(large) == len(small) <= 16  # 16: the header's count of unread notifications
    # Once shared, the figures cost one query (beside the session and the user's role).
    with CaptureQueriesContext(connection) as cached:
        page = instructor.get(reverse("portal:dashboards"))
    assert len(large) - len(cached) >= 5
    assert page.context["totals"]["n"] == 41


@pytest.mark.parametrize("role", [Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT, Role.ADMIN])
def test_staff_see_the_dashboards(role):
    assert signed_in(role, "agent").get(reverse("portal:dashboards")).status_code == 200


def test_suppliers_get_a_403_and_anonymous_users_the_sign_in_page(client):
    supplier = signed_in(Role.SUPPLIER_MEMBER, "membre", OrganisationFactory())
    assert supplier.get(reverse("portal:dashboards")).status_code == 403
    response = client.get(reverse("portal:dashboards"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_bar_chart_escapes_and_scales():
    svg = bar_chart("Titre <b>", [Bar("A & B", 10), Bar("C", 5), Bar("Zéro", 0)], str)
    assert "<b>" not in svg and "Titre &lt;b&gt;" in svg and "A &amp; B" in svg
    widths = [part.split('"')[0] for part in svg.split('width="')[2:]]
    assert widths == ["330.0", "165.0", "0"]


def test_month_labels_are_french():
    assert dashboards.month_label(date(2027, 2, 1)) == "février 2027"


def test_the_command_refreshes_the_figures_every_process_reads(instructor, capsys):
    from sons.cli import main

    v = enrolled_publisher_version()
    dossier(v, S.ADVANCE_FILED, financed="270.00", advance_filed_on=date(2026, 9, 3))
    assert instructor.get(reverse("portal:dashboards")).context["totals"]["n"] == 1
    dossier(v, S.ADVANCE_FILED, financed="270.00", advance_filed_on=date(2026, 9, 4))
    assert instructor.get(reverse("portal:dashboards")).context["totals"]["n"] == 1  # the shared figures
    assert main(["dashboards"]) == 0
    assert "Tableaux de bord recalculés : 2 dossiers" in capsys.readouterr().out
    assert instructor.get(reverse("portal:dashboards")).context["totals"]["n"] == 2

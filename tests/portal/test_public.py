"""Public pages: simulator, calendar and barème, in French, never a 500 on bad input."""

import json

import pytest
from django.urls import reverse

from tests.factories import dossier

pytestmark = pytest.mark.django_db


def test_home_lists_the_examples(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Financement Ségur" in response.content.decode()
    assert "admissible--avance-infirmier-liberal" in response.content.decode()


def test_simulator_preloads_an_example(client):
    response = client.get(reverse("portal:simulator"), {"exemple": "not_admissible--avance-apres-date-4"})
    assert response.status_code == 200
    assert "2027-10-16" in response.content.decode()


def test_unknown_example_is_a_404(client):
    assert client.get(reverse("portal:simulator"), {"exemple": "../../etc/passwd"}).status_code == 404


def test_simulator_explains_the_decision(client):
    response = client.post(
        reverse("portal:simulator"), {"dossier": json.dumps(dossier(client__practice="salaried"))}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'Décision : <strong data-testid="decision">Non recevable</strong>' in page
    assert "<td>Le Client n&#x27;exerce pas en cabinet libéral (selon le RPPS).</td><td>§4.2</td>" in page
    assert "client_practises_in_cabinet_liberal" in page
    assert "15/10/2027" in page


def test_simulator_shows_amounts(client):
    response = client.post(reverse("portal:simulator"), {"dossier": json.dumps(dossier())})
    page = response.content.decode()
    assert 'Décision : <strong data-testid="decision">Recevable</strong>' in page
    assert "108,00" in page and "162,00" in page


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("{", "dossier"),
        (json.dumps({**dossier(), "filed_on": "2026-13-01"}), "filed_on"),
        (json.dumps({**dossier(), "date_0": "9999-12-31"}), "date_0"),
    ],
    ids=["invalid-json", "bad-date", "date-0-beyond-9999"],
)
def test_simulator_bad_input_is_a_400_naming_the_field(client, raw, field):
    response = client.post(reverse("portal:simulator"), {"dossier": raw})
    assert response.status_code == 400
    assert f"champ « {field} »" in response.content.decode()


def test_calendar_reads_the_parameters(client):
    response = client.get(reverse("portal:calendar"), {"date_0": "2025-07-31"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "28/02/2026" in page and "30/11/2027" in page


def test_calendar_bad_date_is_a_400(client):
    response = client.get(reverse("portal:calendar"), {"date_0": "31/07/2025"})
    assert response.status_code == 400
    assert "Date 0 invalide" in response.content.decode()


def test_calendar_of_a_date_0_whose_dates_pass_the_year_9999_is_a_400_not_a_500(client):
    response = client.get(reverse("portal:calendar"), {"date_0": "9999-12-31"})
    assert response.status_code == 400
    assert "Date 0 hors du calendrier calculable" in response.content.decode()


def test_bareme_page_shows_the_21_figures(client):
    page = client.get(reverse("portal:bareme")).content.decode()
    for figure in ["400,00", "361,67", "333,33", "270,00", "244,13", "225,00", "1 890,00", "1 708,88",
                   "1 575,00", "2 970,00", "2 685,38", "2 475,00", "4 050,00", "3 661,88", "3 375,00", "4 860,00",
                   "4 394,25", "5 940,00", "5 370,75", "4 950,00"]:  # fmt: skip
        assert figure in page

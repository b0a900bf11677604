"""The public simulator for people: plain fields (the Client, the order's date and amount with HT/TTC stated, the
filing date) and a sentence; the JSON editor behind « mode expert ». The rules decide (sons.simulator)."""

import pytest
from django.urls import reverse

URL = reverse("portal:simulator")
IDE = {"profile": "ide", "practice": "liberal", "signed_on": "2026-08-10", "filed_on": "2026-09-01",
       "amount": "270.00", "vat_rate": "20"}  # fmt: skip


@pytest.fixture(autouse=True)
def day(today):
    today("2026-09-01")


def simulate(client, **changes):
    return client.post(URL, {**IDE, **changes})


def test_the_page_asks_plain_questions_and_hides_the_json_behind_the_expert_mode(client):
    page = client.get(URL).content.decode()
    assert 'name="profile"' in page and 'name="practice"' in page and 'name="amount"' in page
    assert "TTC, TVA à 20 %" in page and "HT : Fournisseur non assujetti à la TVA" in page
    assert "<textarea" not in page and "sons schema" not in page and "simulator-contract" not in page
    assert f'href="{URL}?mode=expert"' in page
    expert = client.get(URL, {"mode": "expert"}).content.decode()
    assert (
        "<textarea" in expert and "sons schema" not in expert and "docs/simulator-contract.md" not in expert
    )


def test_an_admissible_request_is_said_in_one_sentence_with_its_amounts(client):
    page = simulate(client).content.decode()
    assert (
        "La demande serait recevable : la Prestation Ségur serait financée 270,00 €, soit une avance de 108,00 €"
        in page
    )


def test_the_amount_is_read_as_it_is_stated_ht_or_ttc(client):
    # The IDE ceiling is 225 € HT: typed as HT (a supplier not liable to VAT), it is financed whole.
    page = simulate(client, amount="225.00", vat_rate="0").content.decode()
    assert "serait financée 225,00 €" in page
    assert 'Plafond</th><td class="num">225,00 €' in page


def test_a_request_not_admissible_gives_its_first_reason(client):
    page = simulate(client, practice="salaried").content.decode()
    assert "La demande ne serait pas recevable : Le Client n&#x27;exerce pas en cabinet libéral" in page
    assert "(AF §4.2)" in page


def test_a_centre_needs_its_tranche_and_the_error_is_tied_to_the_field(client):
    response = simulate(client, profile="centre_sante_infirmier", practice="")
    page = response.content.decode()
    assert response.status_code == 400
    assert '<p class="fr-error-text" id="id_tranche-erreur">Indiquez la tranche du centre.</p>' in page
    assert '<li><a href="#id_tranche">' in page


def test_a_far_future_filing_date_is_answered_not_a_500(client):
    response = simulate(client, filed_on="9999-12-31")
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "La demande ne serait pas recevable" in page or 'id="id_filed_on-erreur"' in page

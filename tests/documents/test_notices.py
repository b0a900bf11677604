"""The accusé de dépôt of every request filed (its reception date, the legal date of §2, and the pieces
received) and the lettre de décision of every decision (validation; rejection with its reasons and the AF's
sections; completion request with what to complete), each with the « voies et délais de recours »; read back
with pypdf, downloaded from the dossier's page."""

import html
from datetime import date

import pytest
from django.urls import reverse

from sons.documents.notices import APPEALS, render_receipt
from sons.dossiers.enums import DossierState as S
from sons.errors import NotFound
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, join_pieces
from tests.documents.pdfs import pdf_text
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return " ".join(text.split())


def test_filing_a_draft_gives_an_accuse_de_depot_dated_by_its_reception(today):
    today("2026-09-01")
    draft = DossierFactory(draft=True)
    join_pieces(draft, "advance")
    today("2026-09-03")  # filed two days later: the reception date is the filing's
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-accuse", draft.supplier)
    response = supplier.post(reverse("portal:dossier_file", args=[draft.pk]))
    assert response.status_code == 302 and response.url == reverse("portal:dossier", args=[draft.pk]), (
        response.url
    )
    draft.refresh_from_db()
    assert draft.state == S.ADVANCE_FILED and draft.advance_filed_on == date(2026, 9, 3)
    url = reverse("portal:dossier_receipt", args=[draft.pk, "avance"])
    assert url in supplier.get(reverse("portal:dossier", args=[draft.pk])).content.decode()
    response = supplier.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    assert "Accusé de dépôt" in text and f"Dossier SONS n° {draft.pk}" in text
    assert "Date de réception : 03/09/2026" in text and "Section 2" in text
    assert "Montant demandé (évalué au dépôt) : 108,00" in text
    assert "Formulaire de demande de financement et de versement de l'avance" in text
    assert f"Bon de commande : « order-{draft.pk}.pdf »" in text
    assert supplier.get(reverse("portal:dossier_receipt", args=[draft.pk, "solde"])).status_code == 404


def test_the_balance_receipt_lists_the_invoice_and_the_va(today):
    today("2026-09-01")
    dossier = DossierFactory(balance_filed=True)
    text = flat(pdf_text(render_receipt(dossier, "balance")))
    assert "demande de versement du solde" in text and "Date de réception : 20/10/2026" in text
    assert "Montant demandé (évalué au dépôt) : 162,00" in text
    assert "Facture : «" in text and "Vérification d'aptitude : «" in text


def test_a_draft_has_no_receipt(today):
    today("2026-09-01")
    with pytest.raises(NotFound):
        render_receipt(DossierFactory(draft=True), "advance")


def decide(dossier, decision: str, motive: str):
    instructor = signed_in(Role.ASP_INSTRUCTOR, f"instructeur-{decision}-{dossier.pk}")
    response = instructor.post(reverse("portal:dossier_decide", args=[dossier.pk]),
                               {"decision": decision, "motive": motive})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    return instructor


def letter_of(client, dossier) -> tuple[str, str]:
    page = html.unescape(client.get(reverse("portal:dossier", args=[dossier.pk])).content.decode())
    top = page.split('data-testid="derniere-decision"')[1].split("</div>")[0]
    link = top.split('href="')[1].split('"')[0]
    return top, flat(pdf_text(client.get(link).content))


def test_a_rejection_letter_gives_its_reasons_the_af_sections_and_the_means_of_redress(today):
    today("2026-09-01")
    dossier = DossierFactory(order={"in_client_name": False})  # a blocking finding of §4.3
    instructor = decide(dossier, "reject", "Bon de commande non libellé au nom du Client.")
    top, text = letter_of(instructor, dossier)
    assert "Décision de rejet" in top and "01/09/2026" in top and "Voies et délais de recours" in top
    assert flat(APPEALS) in flat(top)
    assert "Décision de rejet" in text and "Bon de commande non libellé au nom du Client." in text
    assert "AF §4.3" in text and "tribunal administratif" in text and "deux mois" in text
    assert "recours gracieux auprès de l'Agence de services et de paiement" in text


def test_a_completion_letter_says_what_to_complete(today):
    today("2026-09-01")
    dossier = DossierFactory()
    instructor = decide(dossier, "request_completion", "Joindre le bon de commande signé par le Client.")
    _, text = letter_of(instructor, dossier)
    assert "Demande de complément" in text and "Ce qui est à compléter" in text
    assert "Joindre le bon de commande signé par le Client." in text and "Voies et délais de recours" in text


def test_a_validation_letter_states_the_amount_paid(today):
    today("2026-09-01")
    dossier = DossierFactory()
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-lettre", dossier.supplier)
    join_pieces(dossier, "advance")  # the signed order, joined after the direct filing (§6.2)
    decide(dossier, "validate", "")
    _, text = letter_of(supplier, dossier)  # the supplier reads it too
    assert "Décision de validation" in text and "est validée" in text and "108,00" in text


def test_the_api_serves_the_receipt_and_the_decision_letter(today):
    from tests.db_factories import supplier_token
    from tests.worlds import Api

    today("2026-09-01")
    dossier = DossierFactory(advance_rejected=True)
    api = Api(supplier_token(dossier.supplier)[1])
    receipt = api.get(f"/dossiers/{dossier.pk}/receipts/advance")
    assert receipt.status_code == 200 and "Date de réception : 01/09/2026" in flat(pdf_text(receipt.content))
    missing = api.get(f"/dossiers/{dossier.pk}/receipts/balance")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    history = api.get(f"/dossiers/{dossier.pk}").json()["history"]
    rejection = next(step for step in history if step["name"] == "reject_advance")
    letter = api.get(f"/dossiers/{dossier.pk}/decisions/{rejection['id']}/letter")
    assert letter.status_code == 200 and "Demande irrecevable." in flat(pdf_text(letter.content))
    filing = next(step for step in history if step["name"] == "file_advance")
    assert api.get(f"/dossiers/{dossier.pk}/decisions/{filing['id']}/letter").status_code == 404

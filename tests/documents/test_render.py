"""Models to sign: every mandatory mention of mentions.py is printed and reads back (pypdf), the conditional
and centre mentions only where they apply, the same dossier gives the same bytes."""

from datetime import date
from decimal import Decimal

import pytest

from sons.documents.context import context_for
from sons.documents.mentions import mentions_for
from sons.documents.render import MODEL_KINDS, DocumentRefused, render
from sons.documents.text import compact
from sons.registry.models import SolutionVersion
from sons.rules.codes import VA_KEY_FUNCTIONS
from tests.declarations import redeclare
from tests.documents.pdfs import filed_for_centre, pdf_text


def spaced(text: str) -> str:
    return " ".join(text.split())


def complete_balance(dossier):
    return redeclare(dossier, balance={
        "completed_on": date(2027, 12, 1),
        "va": {"signed_on": date(2027, 12, 5), "signature": "psc", "functions": ["psc_login", "mss_pro"]},
        "invoice": {"issued_on": date(2027, 12, 6), "amount": Decimal("270.00")},
    })  # fmt: skip


@pytest.mark.parametrize("kind", MODEL_KINDS)
@pytest.mark.parametrize("client", ["professional", "centre"])
def test_every_mention_reads_back_from_the_model(world, dossier, kind, client):
    dossier = complete_balance(filed_for_centre(world) if client == "centre" else dossier)
    text = pdf_text(render(kind, dossier))
    mentions = mentions_for(kind, context_for(dossier))
    assert mentions
    for mention in mentions:
        assert compact(mention.text) in compact(text), (mention.code, mention.text)
        assert mention.present_in(compact(text)), mention.code


def test_order_carries_the_afs_texts_word_for_word_with_their_accents(dossier):
    text = spaced(pdf_text(render("order", dossier)))
    assert "Montants de la Prestation Ségur pris en charge par l'Etat au titre du Ségur de la santé" in text
    assert "Prestation Ségur 270,00 €" in text
    assert "Taux de TVA applicable : 20 %" in text
    assert "dont montant hors taxe 225,00 €" in text and "dont TVA à 20 % 45,00 €" in text
    assert context_for(dossier).client_name in text
    for method in ("signature avec certificat CPx", "Pro Santé Connect", "RGS 1 étoile", "eIDAS simple"):
        assert method in text


def test_va_lists_the_eight_key_functions_and_the_training(dossier):
    text = spaced(pdf_text(render("va", dossier)))
    assert "Attestation de vérification d'aptitude (VA)" in text
    functions = context_for(dossier).p.va_key_functions
    assert len(functions) == 8
    for code in functions:
        assert VA_KEY_FUNCTIONS.label(code) in text
    assert "formation collective d'une heure" in text
    assert "note de vaccination" in text  # the client is an IDE
    assert "partage et exclusion" not in text  # only for a centre


def test_conditional_mention_only_when_the_order_precedes_referencing(dossier):
    mention = "Bon de commande conditionné à l'obtention par le logiciel du référencement ANS"
    assert mention not in spaced(pdf_text(render("order", dossier)))
    SolutionVersion.objects.filter(pk=dossier.solution_version_id).update(referenced_on=date(2026, 9, 1))
    dossier.refresh_from_db()
    dossier.solution_version.refresh_from_db()
    text = spaced(pdf_text(render("order", dossier)))
    assert mention in text
    assert "sous 120 jours sur le site de l'ANS et à l'obtention subséquente du référencement" in text


def test_centre_commitment_only_for_a_centre(world, dossier):
    commitment = "formalités préalables et nécessaires à la commande d'un certificat de type organisation"
    assert commitment not in spaced(pdf_text(render("order", dossier)))
    assert commitment in spaced(pdf_text(render("order", filed_for_centre(world))))


def test_invoice_is_in_the_clients_name_with_a_non_zero_amount(dossier):
    dossier = complete_balance(dossier)
    text = spaced(pdf_text(render("invoice", dossier)))
    assert f"Facture libellée au nom du Client : {context_for(dossier).client_name}" in text
    assert "Prestation Ségur 270,00 €" in text and "Total TTC 270,00 €" in text
    assert "après la signature de la VA le 05/12/2027" in text


def test_no_order_nor_invoice_with_a_zero_amount(dossier):
    redeclare(dossier, order={"lines": [{"label": "Prestation Ségur", "amount": "0.00"}]}, save=False)
    with pytest.raises(DocumentRefused, match="ne pouvant apparaître égal à zéro"):
        render("order", dossier)
    redeclare(dossier, balance={"va": {}, "invoice": {"amount": "0.00"}}, save=False)
    with pytest.raises(DocumentRefused, match=r"AF §4\.4"):
        render("invoice", dossier)


def test_end_of_service_names_date_5(dossier):
    dossier = complete_balance(dossier)
    text = spaced(pdf_text(render("end-of-service", dossier)))
    assert "achèvement de la Prestation Ségur réalisée auprès du Client le 01/12/2027" in text
    assert "au plus tard à la Date 5 (15/02/2028)" in text


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_same_dossier_same_bytes(dossier, kind):
    dossier = complete_balance(dossier)
    first = render(kind, dossier)
    assert first.startswith(b"%PDF-")
    assert render(kind, type(dossier).objects.get(pk=dossier.pk)) == first


def test_creation_date_is_the_documents_date(dossier):
    from io import BytesIO

    from pypdf import PdfReader

    metadata = PdfReader(BytesIO(render("order", dossier))).metadata
    assert metadata["/CreationDate"] == "D:20260801000000Z"  # the order's issue date
    assert metadata["/Title"] == "Bon de commande"

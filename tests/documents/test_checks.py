"""Uploaded orders and invoices are checked against the dossier: mandatory mentions and amount (AF §4.3,
§4.4); a scan gets a warning, a corrupt PDF a 422 on `file`; downloads only to those who see the dossier."""

import hashlib

import pytest

from sons.documents.checks import check_upload
from sons.documents.render import render
from sons.dossiers.models import Document
from tests.declarations import redeclare
from tests.documents.pdfs import (
    checked,
    filed_for_centre,
    scan_like_pdf,
    supplier_order,
    text_pdf,
    upload,
)
from tests.queue import run_pending


def codes(findings) -> list[str]:
    return [finding["code"] for finding in findings]


def test_the_platforms_own_model_passes_the_checks(world, dossier):
    response = upload(world.supplier, dossier.pk, "order", render("order", dossier))
    assert response.status_code == 201, response.content
    assert response.json()["check_state"] == "pending"  # the text is read by a worker, not by the request
    document = checked(world.supplier, dossier.pk, response)
    assert document["findings"] == [] and document["check_state"] == "done"


def test_a_supplier_order_with_every_mention_passes(world, dossier):
    assert check_upload("order", dossier, supplier_order(dossier)) == []


@pytest.mark.parametrize(
    ("missing", "section"),
    [("state_funded", "4.3"), ("vat_rate", "5.2"), ("client_name", "4.3"), ("segur_line", "4.3")],
)
def test_order_missing_a_mention_gets_the_finding(world, dossier, missing, section):
    response = upload(world.supplier, dossier.pk, "order", supplier_order(dossier, without=(missing,)))
    findings = checked(world.supplier, dossier.pk, response)["findings"]
    assert codes(findings) == [missing]
    assert findings[0]["section"] == section
    assert findings[0]["severity"] == "blocking"
    assert findings[0]["message"].startswith("Mention obligatoire absente du bon de commande : ")
    assert Document.objects.get(pk=response.json()["id"]).findings == findings


def test_state_funded_mention_is_found_despite_typography(dossier):
    order = supplier_order(dossier, without=("state_funded",))
    assert codes(check_upload("order", dossier, order)) == ["state_funded"]
    variant = text_pdf(
        "MONTANTS DE LA PRESTATION SÉGUR PRIS EN CHARGE PAR L’ÉTAT",
        "au titre du Ségur de la santé",
        "Prestation Ségur ..... 270,00 € ; TVA à 20 %",
        f"Client : {dossier.rpps} {client_surname(dossier)}",
    )
    assert check_upload("order", dossier, variant) == []


def client_surname(dossier):
    from sons.directory.models import Professional

    return Professional.objects.get(rpps=dossier.rpps).last_name


def test_order_with_the_wrong_amount_gets_the_finding(world, dossier):
    response = upload(world.supplier, dossier.pk, "order", supplier_order(dossier, amount="300,00 €"))
    findings = checked(world.supplier, dossier.pk, response)["findings"]
    assert codes(findings) == ["segur_amount"]
    assert findings[0]["message"] == (
        "Le montant de la Prestation Ségur du dossier (270,00 €) ne figure pas sur le bon de commande "
        "(montants lus : 300,00 €)."
    )
    assert findings[0]["section"] == "4.3"


def test_amounts_are_read_in_their_usual_french_forms(dossier):
    for written in ("270,00 €", "270.00 EUR", "270 €", "270,00"):
        assert check_upload("order", dossier, supplier_order(dossier, amount=written)) == [], written


def test_conditional_order_needs_the_conditional_mention(dossier):
    from datetime import date

    from sons.registry.models import SolutionVersion

    SolutionVersion.objects.filter(pk=dossier.solution_version_id).update(referenced_on=date(2026, 9, 1))
    dossier.solution_version.refresh_from_db()
    assert check_upload("order", dossier, supplier_order(dossier)) == []
    missing = check_upload("order", dossier, supplier_order(dossier, without=("conditional_referencing",)))
    assert codes(missing) == ["conditional_referencing"]


def test_centre_order_needs_the_certificate_commitment(world):
    centre = filed_for_centre(world)
    assert check_upload("order", centre, supplier_order(centre)) == []
    missing = check_upload(
        "order", centre, supplier_order(centre, without=("centre_certificate_commitment",))
    )
    assert codes(missing) == ["centre_certificate_commitment"]


def test_scan_like_pdf_gets_a_warning(world, dossier):
    response = upload(world.supplier, dossier.pk, "order", scan_like_pdf(), name="scan.pdf")
    (finding,) = checked(world.supplier, dossier.pk, response)["findings"]
    assert finding["code"] == "no_text" and finding["severity"] == "warning"
    assert "Aucun texte lisible" in finding["message"]


@pytest.mark.parametrize("kind", ["order", "invoice", "va"])
@pytest.mark.parametrize(
    "content", [b"%PDF-1.7\n\x00\x01garbage, not a PDF at all", b"%PDF-", b"%PDF-1.4\n%%EOF\n"]
)
def test_corrupt_pdf_is_a_422_on_file(world, dossier, kind, content):
    response = upload(world.supplier, dossier.pk, kind, content)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "file"
    assert "illisible" in response.json()["message"] or "aucune page" in response.json()["message"]
    assert not Document.objects.exists()


def test_invoice_is_checked_against_the_declared_amount(world, dossier):
    redeclare(dossier, balance={"va": {}, "invoice": {"amount": "250.00"}})
    good = text_pdf("FACTURE", f"Client : {client_surname(dossier)}", "Prestation Ségur : 250,00 € TTC")
    assert check_upload("invoice", dossier, good) == []
    response = upload(world.supplier, dossier.pk, "invoice", render("invoice", dossier))
    assert checked(world.supplier, dossier.pk, response)["findings"] == []
    wrong = text_pdf("FACTURE", f"Client : {client_surname(dossier)}", "Prestation Ségur : 270,00 € TTC")
    (finding,) = check_upload("invoice", dossier, wrong)
    assert finding["code"] == "segur_amount" and finding["section"] == "4.4"
    assert "250,00 €" in finding["message"]


def test_invoice_not_in_the_clients_name(dossier):
    other = text_pdf("FACTURE", "Client : Cabinet Dupont-Inconnu", "Prestation Ségur : 270,00 €")
    (finding,) = check_upload("invoice", dossier, other)
    assert finding["code"] == "client_name"
    assert finding["message"] == "Mention obligatoire absente de la facture : nom du Client."


def test_other_kinds_are_stored_without_checks(world, dossier):
    response = upload(world.supplier, dossier.pk, "training", text_pdf("Support de formation"))
    assert response.status_code == 201
    assert response.json()["findings"] == []


def test_list_shows_the_findings(world, dossier):
    upload(world.supplier, dossier.pk, "order", supplier_order(dossier, without=("state_funded",)))
    run_pending()
    listed = world.supplier.get(f"/dossiers/{dossier.pk}/documents").json()
    assert codes(listed[0]["findings"]) == ["state_funded"]


def test_download_serves_the_stored_file_to_those_who_see_the_dossier(world, dossier):
    content = supplier_order(dossier)
    document_id = upload(world.supplier, dossier.pk, "order", content).json()["id"]
    for api in (world.supplier, world.instructor):
        response = api.get(f"/dossiers/{dossier.pk}/documents/{document_id}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == content
        assert response["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert world.other_supplier.get(f"/dossiers/{dossier.pk}/documents/{document_id}").status_code == 404


def test_download_of_another_dossiers_document_is_404(world, dossier):
    from tests.documents.pdfs import filed

    other = filed(world, rpps=world.professionals[1].rpps)
    document_id = upload(world.supplier, dossier.pk, "order", supplier_order(dossier)).json()["id"]
    assert world.supplier.get(f"/dossiers/{other.pk}/documents/{document_id}").status_code == 404

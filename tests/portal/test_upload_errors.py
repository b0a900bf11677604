"""An upload refused keeps the supplier's input: the page comes back (400) with the type chosen still selected,
the error beside the file field (fr-upload-group--error, tied by aria-describedby) and in the summary; the
token page creates a token on its POST only (reloading it creates none: tests/api/test_tokens.py)."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(today):
    today("2026-09-01")
    return DossierFactory(draft=True)


def test_a_file_that_is_not_a_pdf_keeps_the_type_chosen(dossier):
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-upload", dossier.supplier)
    upload = SimpleUploadedFile("va.pdf", b"pas un PDF", content_type="application/pdf")
    response = supplier.post(
        reverse("portal:dossier_upload", args=[dossier.pk]), {"kind": "va", "file": upload}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert '<option value="va" selected>' in page
    assert "fr-upload-group--error" in page and 'id="id_file-erreur"' in page
    assert re.search(r'aria-describedby="[^"]*id_file-erreur', page)
    assert "Seuls les fichiers PDF sont acceptés." in page
    assert dossier.documents.count() == 0


def test_a_missing_file_keeps_the_type_and_names_the_field(dossier):
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-sans-fichier", dossier.supplier)
    response = supplier.post(reverse("portal:dossier_upload", args=[dossier.pk]), {"kind": "invoice"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert '<option value="invoice" selected>' in page and 'href="#id_file"' in page


def test_a_balance_request_refused_keeps_its_input_and_ties_errors_to_fields(today):
    from tests.db_factories import validated_pilot

    today("2026-09-01")
    paid = DossierFactory(advance_paid=True)
    validated_pilot(paid.solution_version)
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-solde", paid.supplier)
    form = {"completed_on": "2026-10-01", "va_signed_on": "pas une date", "va_signature": "psc",
            "invoice_issued_on": "2026-10-06", "invoice_amount": "270.00"}  # fmt: skip
    response = supplier.post(reverse("portal:dossier_balance", args=[paid.pk]), form)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert 'value="270.00"' in page and 'value="2026-10-01"' in page  # the input kept
    assert 'id="id_va_signed_on-erreur"' in page and 'href="#id_va_signed_on"' in page
    form["va_signed_on"] = "2026-10-05"
    missing = supplier.post(
        reverse("portal:dossier_balance", args=[paid.pk]), form
    )  # no invoice, no VA joined
    text = html.unescape(missing.content.decode())
    assert (
        missing.status_code == 400
        and "pièce(s) obligatoire(s) manquante(s)" in text
        and 'value="270.00"' in text
    )


def test_an_answer_without_its_message_keeps_the_corrections_typed(today):
    today("2026-09-01")
    asked = DossierFactory(advance_to_complete=True)
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-reponse", asked.supplier)
    url = reverse("portal:dossier_answer", args=[asked.pk])
    response = supplier.post(url, {"message": "", "amount": "250.00", "mention_state_funded": "true"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "Votre réponse : obligatoire" in page
    assert 'value="250.00"' in page and '<option value="true" selected>' in page
    assert 'id="id_message-erreur"' in page and 'href="#id_message"' in page
    supplier.post(url, {"message": "Montant corrigé.", "amount": "250.00"})
    asked.refresh_from_db()
    assert asked.state == "advance_filed" and asked.financed == 250

"""An upload refused keeps the supplier's input: the page comes back (400) with the type chosen still selected,
the error beside the file field (fr-upload-group--error, tied by aria-describedby) and in the summary; the
token page creates a token on its POST only (reloading it creates none: tests/api/test_tokens.py)."""

import html

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
    assert 'aria-describedby="id_file-erreur"' in page
    assert "Seuls les fichiers PDF sont acceptés." in page
    assert dossier.documents.count() == 0


def test_a_missing_file_keeps_the_type_and_names_the_field(dossier):
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-sans-fichier", dossier.supplier)
    response = supplier.post(reverse("portal:dossier_upload", args=[dossier.pk]), {"kind": "invoice"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert '<option value="invoice" selected>' in page and 'href="#id_file"' in page

"""Dossiers ready for their documents, and the PDFs a supplier's software would print for them."""

import io

from pypdf import PdfReader

from sons.dossiers.models import Dossier
from tests.worlds import World, filing


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def filed(world: World, rpps: str | None = None, **order_changes) -> Dossier:
    """A professional's dossier filed through the API (its order conforming unless changed)."""
    response = world.supplier.post("/dossiers", filing(world, rpps, **order_changes))
    assert response.status_code == 201, response.content
    return Dossier.objects.get(pk=response.json()["id"])


def filed_for_centre(world: World, **order_changes) -> Dossier:
    data = filing(world, centre_certificate_commitment=True, **order_changes)
    data["client"] = {"finess_geo": world.centre.finess_geo}
    data.pop("de_minimis_other_aid")
    response = world.supplier.post("/dossiers", data)
    assert response.status_code == 201, response.content
    return Dossier.objects.get(pk=response.json()["id"])


def text_pdf(*paragraphs: str) -> bytes:
    """A plain PDF made of `paragraphs`, as a supplier's own software would print one."""
    from fpdf import FPDF

    from sons.documents.layout import FONT_DIR

    pdf = FPDF()
    pdf.add_font("Spectral", "", str(FONT_DIR / "Spectral-Regular.woff"))
    pdf.add_page()
    pdf.set_font("Spectral", "", 11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def supplier_order(dossier: Dossier, without: tuple[str, ...] = (), amount: str = "270,00 €") -> bytes:
    """An order printed by the supplier: every mandatory mention of the dossier except `without`."""
    from sons.documents.context import context_for
    from sons.documents.mentions import order_mentions

    lines = ["BON DE COMMANDE"]
    for mention in order_mentions(context_for(dossier)):
        if mention.code in without:
            continue
        lines.append(
            f"Prestation Ségur ........ {amount}" if mention.code == "segur_amount" else mention.text
        )
    if "segur_line" in without:  # the amount stays, without its label
        lines = [line.replace("Prestation Ségur ........ ", "Montant : ") for line in lines]
    return text_pdf(*lines)


def scan_like_pdf() -> bytes:
    """A page with only a picture-like drawing: what a scanner without OCR produces, text-wise."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(200, 200, 200)
    pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


def upload(api, dossier_id: int, kind: str, content: bytes, name: str = "piece.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.client.post(
        f"/api/dossiers/{dossier_id}/documents",
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        headers=api.headers,
    )


def checked(api, dossier_id: int, response) -> dict:
    """The uploaded document once its check has run in the queue (as a worker runs it), as the API lists it."""
    from tests.queue import run_pending

    assert response.status_code == 201, response.content
    assert response.json()["check_state"] in ("pending", "done")
    run_pending()
    listed = api.get(f"/dossiers/{dossier_id}/documents").json()
    return next(document for document in listed if document["id"] == response.json()["id"])

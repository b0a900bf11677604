"""Hostile uploads: a text bomb answers at once and is checked (or times out) in a worker; active content is
refused naming the feature; names are sanitised; oversized bodies are refused before they are read."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sons.documents.extract import TextUnavailable, read_text_limited
from sons.documents.safety import download_name
from sons.documents.storage import documents_storage
from sons.dossiers.models import Document
from tests.documents.hostile import text_bomb, with_embedded_file, with_javascript, with_launch_action
from tests.documents.pdfs import checked, supplier_order, upload
from tests.queue import run_pending


def test_the_text_bomb_is_answered_at_once_and_times_out_in_the_worker(world, dossier, settings):
    bomb = text_bomb()
    assert len(bomb) < 64 * 1024  # a few kilobytes holding 7 MB of text operators
    start = time.perf_counter()
    response = upload(world.supplier, dossier.pk, "order", bomb)
    elapsed = time.perf_counter() - start
    assert response.status_code == 201 and response.json()["check_state"] == "pending"
    assert elapsed < 1.0, elapsed
    settings.SONS_PDF_CHECK_SECONDS = 1
    document = checked(world.supplier, dossier.pk, response)
    assert document["check_state"] == "timed_out"
    (finding,) = document["findings"]
    assert finding["code"] == "unreadable_in_time" and finding["severity"] == "warning"
    assert finding["message"].startswith("Document illisible dans le temps imparti")


def test_the_child_reading_the_text_is_held_to_its_memory_limit():
    with pytest.raises(TextUnavailable):
        read_text_limited(text_bomb(), seconds=30, memory_mb=40)  # too little even to start Python's work


def test_an_ordinary_order_is_read_within_the_limits(dossier):
    assert "Prestation Ségur" in read_text_limited(supplier_order(dossier), seconds=10, memory_mb=512)


@pytest.mark.parametrize(
    ("content", "feature"),
    [
        (with_javascript, "du JavaScript"),
        (with_launch_action, "une action de lancement d'un programme (Launch)"),
        (with_embedded_file, "des fichiers incorporés"),
    ],
)
def test_active_content_is_refused_naming_the_feature(world, dossier, content, feature):
    response = upload(world.supplier, dossier.pk, "va", content())
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "file"
    assert response.json()["message"].startswith(f"PDF refusé : il contient {feature}")
    assert not Document.objects.exists()
    assert not documents_storage().exists(str(dossier.pk))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\x\\Bon de commande signé.PDF", "Bon de commande signe.pdf"),
        ('facture"; filename=evil.html', "facture-filename-evil.html.pdf"),
        ("\x00\r\n.pdf", "document.pdf"),
        ("", "document.pdf"),
    ],
)
def test_download_names_are_plain_and_end_in_pdf(sent, kept):
    assert download_name(sent) == kept


def test_a_stored_piece_keeps_a_sanitised_name_and_a_relative_storage_name(world, dossier):
    content = supplier_order(dossier)
    response = upload(world.supplier, dossier.pk, "order", content, name="../../bon<script>.pdf")
    document = Document.objects.get(pk=response.json()["id"])
    assert document.name == "bon-script.pdf"
    assert document.path == f"{dossier.pk}/{document.sha256}.pdf"  # relative to the storage
    download = world.supplier.get(f"/dossiers/{dossier.pk}/documents/{document.pk}")
    assert download["Content-Disposition"] == 'attachment; filename="bon-script.pdf"'
    assert download.content == content


def test_an_announced_oversized_body_is_refused_before_it_is_read(world, dossier):
    body = io.BytesIO(b"--x\r\n" + b"A" * 1000)
    response = world.supplier.client.generic(
        "POST", f"/api/dossiers/{dossier.pk}/documents", headers=world.supplier.headers,
        CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH=str(199 * 1024 * 1024),
        **{"wsgi.input": body},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["message"] == "Envoi trop volumineux : 16 Mo au plus par envoi."
    assert body.tell() == 0  # not one byte read


def test_an_oversized_file_within_the_body_limit_is_counted_then_refused_unstored(world, dossier):
    big = b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024)
    response = world.supplier.client.post(
        f"/api/dossiers/{dossier.pk}/documents",
        {"kind": "order", "file": SimpleUploadedFile("gros.pdf", big, content_type="application/pdf")},
        headers=world.supplier.headers,
    )
    assert response.status_code == 422
    assert response.json()["message"] == "Fichier trop volumineux (10 Mo au plus)."
    assert not Document.objects.exists()
    run_pending()


def test_the_data_migration_turns_absolute_paths_into_storage_names(dossier):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("sons.dossiers.migrations.0006_document_relative_names")
    document = Document.objects.create(
        dossier=dossier, kind="order", name="a.pdf", path=f"/srv/sons/documents/{dossier.pk}/abc.pdf",
        sha256="abc", size=1, uploaded_by="x",
    )  # fmt: skip
    migration.to_relative(apps, None)
    document.refresh_from_db()
    assert document.path == f"{dossier.pk}/abc.pdf"

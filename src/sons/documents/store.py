"""A supplier's uploaded document: PDF only, 10 MB at most, read and checked, stored by its SHA-256 outside the
web root. The API and the portal both go through `store_uploaded_file`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sons.dossiers.models import Document
from sons.errors import Invalid

from .checks import UnreadablePdf, check_upload

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class UploadRefused(Invalid):
    def __init__(self, message: str, field: str = "file"):
        super().__init__(message, field)


def store_uploaded_file(dossier, kind: str, file, uploaded_by: str) -> Document:
    """A Django uploaded file: its declared size is checked before it is read."""
    if file.size > MAX_DOCUMENT_BYTES:
        raise UploadRefused("Fichier trop volumineux (10 Mo au plus).")
    return store_upload(dossier, kind, file.name, file.read(), uploaded_by)


def store_upload(dossier, kind: str, name: str, content: bytes, uploaded_by: str) -> Document:
    if len(content) > MAX_DOCUMENT_BYTES:
        raise UploadRefused("Fichier trop volumineux (10 Mo au plus).")
    if not content.startswith(b"%PDF-"):
        raise UploadRefused("Seuls les fichiers PDF sont acceptés.")
    try:
        findings = check_upload(kind, dossier, content)
    except UnreadablePdf as error:
        raise UploadRefused(str(error)) from None
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(settings.SONS_DOCUMENTS_DIR) / str(dossier.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.pdf"
    path.write_bytes(content)
    with transaction.atomic():
        return Document.objects.create(
            dossier=dossier, kind=kind, name=(name or "document.pdf")[:255], path=str(path), sha256=digest,
            size=len(content), uploaded_by=uploaded_by, findings=findings,
        )  # fmt: skip

"""A supplier's uploaded document: PDF only, 10 MB at most, without active content, stored by its SHA-256 in
the storage "documents" (a folder outside the web root, or an S3-compatible store). The API and the portal
both go through `store_uploaded_file`.

The upload answers at once: the file is opened (structure only) and refused if it carries JavaScript, a
launch action or embedded files; the reading of its text and the check of its mentions run in a job worker
(`sons.documents.tasks.check_document`), enqueued in the transaction that records the document.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from sons.audit.journal import record
from sons.dossiers.enums import DocumentCheck
from sons.dossiers.models import Document
from sons.errors import Invalid
from sons.jobs import enqueue

from .checks import CHECKED_KINDS, UnreadablePdf, open_pdf
from .safety import active_content, download_name
from .storage import documents_storage
from .tasks import check_document

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class UploadRefused(Invalid):
    def __init__(self, message: str, field: str = "file"):
        super().__init__(message, field)


def store_uploaded_file(dossier, kind: str, file, uploaded_by: str) -> Document:
    """A Django uploaded file: its size (as received, sons.web counts it) is checked before it is read."""
    if file.size > MAX_DOCUMENT_BYTES:
        raise UploadRefused("Fichier trop volumineux (10 Mo au plus).")
    return store_upload(dossier, kind, file.name, file.read(), uploaded_by)


def inspect_upload(content: bytes) -> None:
    """Refuse what is not a PDF we accept (UploadRefused, French, naming the problem)."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise UploadRefused("Fichier trop volumineux (10 Mo au plus).")
    if not content.startswith(b"%PDF-"):
        raise UploadRefused("Seuls les fichiers PDF sont acceptés.")
    try:
        reader = open_pdf(content)
        features = active_content(reader)
    except UnreadablePdf as error:
        raise UploadRefused(str(error)) from None
    except Exception:  # any parser failure on untrusted bytes means « unreadable », never a 500
        raise UploadRefused("Fichier PDF illisible ou endommagé : il ne peut pas être ouvert.") from None
    if features:
        raise UploadRefused(
            f"PDF refusé : il contient {' et '.join(features)}. Déposez une version sans contenu actif "
            "(imprimez-le en PDF, par exemple)."
        )


def store_upload(dossier, kind: str, name: str, content: bytes, uploaded_by: str) -> Document:
    inspect_upload(content)
    digest = hashlib.sha256(content).hexdigest()
    stored_name = f"{dossier.pk}/{digest}.pdf"
    storage = documents_storage()
    if not storage.exists(stored_name):  # the same bytes are the same file: stored once
        saved = storage.save(stored_name, ContentFile(content))
        assert saved == stored_name, saved
    checked = kind in CHECKED_KINDS
    with transaction.atomic():
        document = Document.objects.create(
            dossier=dossier, kind=kind, name=download_name(name)[:255], path=stored_name, sha256=digest,
            size=len(content), uploaded_by=uploaded_by, findings=[],
            check_state=DocumentCheck.PENDING if checked else DocumentCheck.DONE,
        )  # fmt: skip
        if checked:
            enqueue(check_document, document.pk)
        record("document.uploaded", actor=uploaded_by, target=document,
               payload={"dossier": dossier.pk, "kind": kind, "sha256": digest, "size": len(content)})  # fmt: skip
    return document

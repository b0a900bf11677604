"""The PDFs of an enrolment file: PDF only, 10 MB at most, readable, stored by their SHA-256 outside the web
root (the documents folder), served only to the organisation's members and the ASP's agents."""

from __future__ import annotations

import hashlib
import io
import warnings

from django.core.files.base import ContentFile
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .enums import PieceKind
from .errors import Invalid
from .models import EnrolmentPiece

MAX_PIECE_BYTES = 10 * 1024 * 1024


def read_upload(kind: str, file) -> bytes:
    """The content of an uploaded PDF, or a refusal naming the piece's field."""
    label = PieceKind(kind).label
    if file.size > MAX_PIECE_BYTES:
        raise Invalid(f"{label} : fichier trop volumineux (10 Mo au plus).", kind)
    content = file.read(MAX_PIECE_BYTES + 1)
    if len(content) > MAX_PIECE_BYTES:
        raise Invalid(f"{label} : fichier trop volumineux (10 Mo au plus).", kind)
    if not content.startswith(b"%PDF-"):
        raise Invalid(f"{label} : seuls les fichiers PDF sont acceptés.", kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                raise Invalid(f"{label} : PDF protégé par un mot de passe, illisible par l'ASP.", kind)
            if len(reader.pages) == 0:
                raise Invalid(f"{label} : PDF sans page.", kind)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise Invalid(f"{label} : PDF illisible.", kind) from None
    return content


def store_piece(organisation, kind: str, file, uploaded_by: str, *, enrolment=None, bank_change=None):
    content = read_upload(kind, file)
    digest = hashlib.sha256(content).hexdigest()
    piece = EnrolmentPiece(
        organisation=organisation, enrolment=enrolment, bank_change=bank_change, kind=kind,
        name=(getattr(file, "name", "") or "piece.pdf")[-255:], sha256=digest, size=len(content),
        uploaded_by=uploaded_by[:200],
    )  # fmt: skip
    piece.file.save(f"{digest}.pdf", ContentFile(content), save=False)
    piece.save()
    return piece


def open_piece(piece: EnrolmentPiece):
    return piece.file.open("rb")

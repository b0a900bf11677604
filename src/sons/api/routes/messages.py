"""The dossier's thread for the suppliers' software and the ASP: read it (with read receipts and the due date of
a completion request), write a message with at most one PDF (checked as every piece is). Internal notes are
never part of it (sons.dossiers.thread)."""

from django.db import transaction
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from sons.documents.store import store_uploaded_file
from sons.dossiers import thread
from sons.dossiers.enums import DocumentKind
from sons.dossiers.scoping import dossier_or_404

from ..schemas import ErrorOut, ThreadMessageOut

router = Router(tags=["Messages"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def message_out(m) -> dict:
    return {"id": m.pk, "kind": m.kind, "author": m.author_label, "body": m.body, "at": m.at,
            "from_supplier": m.from_supplier, "due_on": m.due_on, "read_at": m.read_at,
            "document_id": m.document_id}  # fmt: skip


@router.get("/dossiers/{dossier_id}/messages", response={200: list[ThreadMessageOut], **ERRORS},
            summary="Fil du dossier (messages, demandes de complément, accusés de lecture)")  # fmt: skip
def list_messages(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, [message_out(m) for m in thread.messages_of(dossier)])


@router.post("/dossiers/{dossier_id}/messages", response={201: ThreadMessageOut, **ERRORS},
             summary="Écrire dans le fil du dossier (une pièce PDF facultative)")  # fmt: skip
def post_message(request, dossier_id: int, message: Form[str], file: File[UploadedFile] = None):
    dossier = dossier_or_404(request.principal, dossier_id)
    request.principal.require(*thread.WRITERS)
    with transaction.atomic():
        document = None
        if file is not None:
            document = store_uploaded_file(dossier, DocumentKind.OTHER, file, request.principal.label)
        posted = thread.post(request.principal, dossier, message, document=document)
    return Status(201, message_out(posted))

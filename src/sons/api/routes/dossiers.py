"""Supplier endpoints: file one or many dossiers, read them, answer, file the balance, attest, declare."""

import orjson
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from sons.documents.http import stored_document_response
from sons.documents.store import UploadRefused, store_uploaded_file
from sons.dossiers import actions
from sons.dossiers.enums import DocumentKind, DossierState
from sons.dossiers.models import Document
from sons.suppliers.enums import Role

from ..bulk import file_documents
from ..presenters import dossier_out
from ..schemas import (
    BalanceIn,
    BulkOut,
    CompletionIn,
    DocumentOut,
    DossierDetailOut,
    DossierIn,
    DossierOut,
    ErrorOut,
    ReasonIn,
    flatten_balance,
)
from ..scoping import dossier_or_404, dossiers_for

router = Router(tags=["Dossiers"])
BULK_LIMIT = 10_000
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post(
    "/dossiers", response={201: DossierOut, **ERRORS}, summary="Déposer un dossier (demande d'avance)"
)
def file_dossier(request, payload: DossierIn, draft: bool = False):
    dossier = actions.file_one(request.principal, payload.dict(), draft=draft)
    return Status(201, dossier_out(dossier))


BULK_DOC = {
    "requestBody": {
        "description": "Un tableau JSON de dossiers, ou un dossier JSON par ligne (JSON Lines).",
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/DossierIn"}}
            },
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
        "required": True,
    }
}


@router.post("/dossiers/bulk", response={200: BulkOut, **ERRORS}, openapi_extra=BULK_DOC,
             summary="Déposer des dossiers en masse (rapport par dossier)")  # fmt: skip
def file_bulk(request, draft: bool = False):
    request.principal.require(Role.SUPPLIER_MEMBER)
    raw = request.body.strip()
    try:
        if raw.startswith(b"["):
            documents = orjson.loads(raw)
        else:
            documents = [orjson.loads(line) if line.strip() else None for line in raw.splitlines()]
    except orjson.JSONDecodeError as error:
        return Status(
            422,
            {
                "message": f"JSON invalide (ligne {error.lineno}, colonne {error.colno}).",
                "field": "corps",
            },
        )
    if not documents:
        return Status(422, {"message": "Aucun dossier dans la requête.", "field": "corps"})
    if len(documents) > BULK_LIMIT:
        return Status(422, {"message": f"Au plus {BULK_LIMIT} dossiers par requête.", "field": "corps"})
    report = file_documents(request.principal, documents, draft=draft)
    filed = sum(1 for item in report if item["status"] != "refused")
    return Status(200, {"filed": filed, "refused": len(report) - filed, "items": report})


@router.get("/dossiers", response={200: list[DossierOut], **ERRORS}, summary="Lister ses dossiers")
def list_dossiers(request, state: str | None = None, limit: int = 100, offset: int = 0):
    queryset = dossiers_for(request.principal).order_by("pk")
    if state:
        if state not in DossierState.values:
            return Status(422, {"message": f"État inconnu : {state[:40]!r}.", "field": "state"})
        queryset = queryset.filter(state=state)
    limit, offset = max(1, min(limit, 1000)), max(0, min(offset, 2**62))
    return Status(200, [dossier_out(d) for d in queryset[offset : offset + limit]])


@router.get("/dossiers/{dossier_id}", response={200: DossierDetailOut, **ERRORS}, summary="Lire un dossier")
def get_dossier(request, dossier_id: int):
    return Status(200, dossier_out(dossier_or_404(request.principal, dossier_id), detail=True))


@router.post(
    "/dossiers/{dossier_id}/file", response={200: DossierOut, **ERRORS}, summary="Déposer un brouillon"
)
def file_draft(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, dossier_out(actions.file_advance(request.principal, dossier)))


@router.post("/dossiers/{dossier_id}/completion", response={200: DossierOut, **ERRORS},
             summary="Répondre à une demande de complément (les règles sont réévaluées)")  # fmt: skip
def answer_completion(request, dossier_id: int, payload: CompletionIn):
    dossier = dossier_or_404(request.principal, dossier_id)
    changes = payload.dict(exclude_unset=True)  # only what the supplier corrects
    if changes.get("balance"):
        changes["balance"] = flatten_balance(payload.balance)
    return Status(200, dossier_out(actions.complete(request.principal, dossier, changes, payload.message)))


@router.post(
    "/dossiers/{dossier_id}/balance",
    response={200: DossierOut, **ERRORS},
    summary="Déposer la demande de solde",
)
def file_balance(request, dossier_id: int, payload: BalanceIn):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(
        200, dossier_out(actions.file_balance(request.principal, dossier, flatten_balance(payload)))
    )


@router.post("/dossiers/{dossier_id}/end-of-service", response={200: DossierOut, **ERRORS},
             summary="Attestation de fin de Prestation (au plus tard à la Date 5)")  # fmt: skip
def attest(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, dossier_out(actions.attest_end_of_service(request.principal, dossier)))


@router.post("/dossiers/{dossier_id}/incapacity", response={200: DossierOut, **ERRORS},
             summary="Déclarer l'incapacité à réaliser la Prestation (§4.4)")  # fmt: skip
def incapacity(request, dossier_id: int, payload: ReasonIn):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, dossier_out(actions.declare_incapacity(request.principal, dossier, payload.reason)))


def document_out(document: Document) -> dict:
    return {"id": document.pk, "kind": document.kind, "name": document.name, "sha256": document.sha256,
            "size": document.size, "findings": document.findings, "check_state": document.check_state}  # fmt: skip


@router.post(
    "/dossiers/{dossier_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Joindre une pièce (PDF) ; un bon de commande ou une facture est contrôlé (mentions, montant)",
)
def upload_document(request, dossier_id: int, kind: Form[DocumentKind], file: File[UploadedFile]):
    dossier = dossier_or_404(request.principal, dossier_id)
    try:
        document = store_uploaded_file(dossier, kind, file, request.principal.label)
    except UploadRefused as refused:
        return Status(422, {"message": refused.message, "field": refused.field})
    return Status(201, document_out(document))


@router.get(
    "/dossiers/{dossier_id}/documents",
    response={200: list[DocumentOut], **ERRORS},
    summary="Pièces du dossier",
)
def list_documents(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, [document_out(d) for d in dossier.documents.order_by("pk")])


@router.get(
    "/dossiers/{dossier_id}/documents/{document_id}",
    response=ERRORS,
    include_in_schema=False,  # a PDF answer: see routes/documents.py
    summary="Télécharger une pièce du dossier (PDF)",
)
def download_document(request, dossier_id: int, document_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    document = get_object_or_404(dossier.documents, pk=document_id)
    response = stored_document_response(document)
    if response is None:
        return Status(404, {"message": "Fichier introuvable dans le stockage des pièces."})
    return response

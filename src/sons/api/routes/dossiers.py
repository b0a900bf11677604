"""Supplier endpoints: file one or many dossiers, read them, answer, file the balance, attest, declare."""

import base64
from datetime import datetime

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticError

from sons.documents.http import stored_document_response
from sons.documents.store import store_uploaded_file
from sons.dossiers import actions, bulk, declaration
from sons.dossiers.enums import DocumentKind
from sons.dossiers.filters import DOSSIER_FILTERS
from sons.dossiers.models import Document
from sons.dossiers.scoping import dossier_or_404, dossiers_for
from sons.errors import Invalid, invalid_input
from sons.filtering import BadFilter, Filter, filtered, openapi_parameters
from sons.recoveries.actions import declare_incapacity
from sons.suppliers.enums import Role

from ..openapi import binary
from ..presenters import dossier_out
from ..schemas import (
    BulkOut,
    CancelIn,
    DocumentOut,
    DossierDetailOut,
    DossierOut,
    ErrorOut,
    EvaluationOut,
    ReasonIn,
)

router = Router(tags=["Dossiers"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def body(schema: dict, description: str) -> dict:
    """The OpenAPI request body of a route that reads a declaration itself (the contract's JSON Schema)."""
    return {"requestBody": {"description": description, "required": True,
                            "content": {"application/json": {"schema": schema}}}}  # fmt: skip


DECLARATION = declaration.schema()
FILING_DOC = body(DECLARATION, "La déclaration du Fournisseur, dans la forme du simulateur (`sons schema`).")
BALANCE_DOC = body(declaration.schema(declaration.BALANCE), "La demande de solde : VA, facture, formations.")
COMPLETION_DOC = body({
    "type": "object", "required": ["message"],
    "properties": {
        "message": {"type": "string", "minLength": 1, "maxLength": 5000, "description": "Votre réponse"},
        "order": {**declaration.schema(declaration.contract.ORDER), "description":
                  "Champs du bon de commande à corriger ; les autres restent"},
        "balance": declaration.schema(declaration.BALANCE),
        "client": declaration.schema(declaration.CLIENT),
    },
}, "La réponse et les déclarations qu'elle corrige.")  # fmt: skip


@router.post("/dossiers", response={201: DossierOut, 200: EvaluationOut, **ERRORS}, openapi_extra=FILING_DOC,
             summary="Déposer un dossier (demande d'avance), un brouillon (draft=true) ou l'évaluer sans rien "
             "enregistrer (dry_run=true : 200 avec décision, constats et montants)")  # fmt: skip
def file_dossier(request, draft: bool = False, dry_run: bool = False):
    document = declaration.load(request.body)
    if dry_run:
        dossier = actions.file_one(request.principal, document, draft=draft, dry_run=True)
        return Status(200, {**dossier_out(dossier), "id": None, "stored": False})
    dossier = actions.file_one(request.principal, document, draft=draft)
    return Status(201, dossier_out(dossier))


BULK_DOC = body(
    {"type": "array", "items": DECLARATION},
    "Un tableau JSON de dossiers (10 000 au plus). Cette adresse lit aussi un corps JSON Lines "
    "(`Content-Type: application/x-ndjson`), décrit à part : `POST /dossiers/bulk/lines`.",
)
LINES_DOC = {
    "requestBody": {
        "description": "JSON Lines : un dossier JSON par ligne (UTF-8), 10 000 au plus ; envoyé avec "
        "`Content-Type: application/x-ndjson` (ou `application/octet-stream`, ce que fait un client généré)."
        " Le rapport donne pour chaque dossier la ligne où il commence.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "required": True,
    }
}


def bulk_report(request, draft: bool) -> Status:
    request.principal.require(Role.SUPPLIER_MEMBER)
    count, entries = bulk.json_entries(request.body, "corps")
    bulk.checked_count(count, "corps")
    report = bulk.file_entries_in_chunks(request.principal, entries, draft=draft)
    filed = sum(1 for item in report if item["status"] != "refused")
    return Status(200, {"filed": filed, "refused": len(report) - filed, "items": report})


@router.post("/dossiers/bulk", response={200: BulkOut, **ERRORS}, openapi_extra=BULK_DOC,
             summary="Déposer des dossiers en masse : tableau JSON (rapport par dossier)")  # fmt: skip
def file_bulk(request, draft: bool = False):
    return bulk_report(request, draft)


@router.post("/dossiers/bulk/lines", response={200: BulkOut, **ERRORS}, openapi_extra=LINES_DOC,
             summary="Déposer des dossiers en masse : JSON Lines, un dossier par ligne (rapport par dossier)")  # fmt: skip
def file_bulk_lines(request, draft: bool = False):
    return bulk_report(request, draft)


def iso_datetime(field: str, raw: str) -> datetime:
    try:
        found = datetime.fromisoformat(raw.strip().replace(" ", "+"))  # a « + » unescaped in a URL is a space
    except ValueError:
        raise BadFilter(
            f"Filtre « {field} » : horodatage ISO 8601 attendu (ex. 2026-09-01T08:00:00Z).", field
        ) from None
    return found if found.tzinfo else timezone.make_aware(found)


# The API's list reads the queue's filters, and a few an integrator needs (the change feed's `updated_since`).
API_FILTERS = {
    **DOSSIER_FILTERS,
    "rpps": Filter(lambda field, raw: raw.strip(), lambda v: Q(rpps=v), "n° RPPS du Client (valeur exacte)"),
    "finess_geo": Filter(lambda field, raw: raw.strip(), lambda v: Q(finess_geo=v), "n° FINESS géographique du Client"),
    "updated_since": Filter(iso_datetime, lambda v: Q(updated_at__gte=v),
                            "modifiés depuis cet horodatage ISO 8601 (inclus), ex. 2026-09-01T08:00:00Z"),
}  # fmt: skip
PAGING = ("limit", "offset", "cursor")
LIST_DOC = {
    "parameters": openapi_parameters(API_FILTERS),
    "responses": {200: {"description": "Une page de dossiers, par identifiant croissant", "headers": {
        "Link": {"description": "`<…&cursor=…>; rel=\"next\"` : adresse de la page suivante, absente à la "
                 "dernière page", "schema": {"type": "string"}}}}},
}  # fmt: skip


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"apres:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind == "apres" and value.isdigit() and len(value) < 19:
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise Invalid(
        "cursor : curseur inconnu ; reprenez celui du lien « next » de la page précédente.", "cursor"
    )


@router.get("/dossiers", response={200: list[DossierOut], **ERRORS}, openapi_extra=LIST_DOC,
            summary="Lister ses dossiers, page par page (en-tête Link rel=\"next\") ; un filtre inconnu est refusé")  # fmt: skip
def list_dossiers(request, response: HttpResponse, limit: int = 100, cursor: str = "", offset: int = 0):
    """`cursor` : l'adresse de la page suivante est dans l'en-tête `Link` (rel="next") ; `offset` (déprécié) est
    encore lu. Filtres : voir les paramètres ; un paramètre inconnu répond 422 `unknown_field`."""
    filters = [(key, ",".join(request.GET.getlist(key))) for key in request.GET if key not in PAGING]
    queryset = filtered(dossiers_for(request.principal), API_FILTERS, filters).order_by("pk")
    limit, offset = max(1, min(limit, 1000)), max(0, min(offset, 2**62))
    if cursor:
        queryset, offset = queryset.filter(pk__gt=decode_cursor(cursor)), 0
    page = list(queryset[offset : offset + limit + 1])
    if len(page) > limit:
        kept = request.GET.copy()
        kept.pop("offset", None)
        kept["cursor"] = encode_cursor(page[limit - 1].pk)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{kept.urlencode()}>; rel="next"'
    return Status(200, [dossier_out(d) for d in page[:limit]])


@router.get("/dossiers/{dossier_id}", response={200: DossierDetailOut, **ERRORS}, summary="Lire un dossier")
def get_dossier(request, dossier_id: int):
    return Status(200, dossier_out(dossier_or_404(request.principal, dossier_id), detail=True))


@router.post(
    "/dossiers/{dossier_id}/file", response={200: DossierOut, **ERRORS}, summary="Déposer un brouillon"
)
def file_draft(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, dossier_out(actions.file_advance(request.principal, dossier)))


REPLACE_DOC = body(DECLARATION, "La déclaration entière du brouillon, qui remplace la précédente.")
PATCH_DOC = body(
    {"type": "object", "additionalProperties": True, "example": {"order": {"signed_on": "2026-08-12"}}},
    "JSON Merge Patch (RFC 7396) de la déclaration : les champs nommés changent, `null` en retire un ; "
    "`Content-Type: application/merge-patch+json` ou `application/json`.",
)


@router.put("/dossiers/{dossier_id}", response={200: DossierOut, **ERRORS}, openapi_extra=REPLACE_DOC,
            summary="Corriger un brouillon : sa déclaration entière (contrôlée comme un dépôt, règles réévaluées)")  # fmt: skip
def replace_draft(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(
        200, dossier_out(actions.correct_draft(request.principal, dossier, declaration.load(request.body)))
    )


@router.patch("/dossiers/{dossier_id}", response={200: DossierOut, **ERRORS}, openapi_extra=PATCH_DOC,
              summary="Corriger un brouillon par un JSON Merge Patch (règles réévaluées)")  # fmt: skip
def patch_draft(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    patch = declaration.load(request.body)
    if not isinstance(patch, dict):
        raise Invalid("corps : objet JSON attendu (JSON Merge Patch)", "corps")
    return Status(200, dossier_out(actions.correct_draft(request.principal, dossier, patch, partial=True)))


CANCEL_DOC = {"requestBody": {"required": False, "description": "Facultatif : le motif de l'abandon.", "content": {
    "application/json": {"schema": {"type": "object", "additionalProperties": False,
                                    "properties": {"reason": {"type": "string", "maxLength": 5000}}}}}}}  # fmt: skip


@router.post("/dossiers/{dossier_id}/cancel", response={200: DossierOut, **ERRORS}, openapi_extra=CANCEL_DOC,
             summary="Abandonner un brouillon (gardé, avec son historique, à l'état « Abandonné »)")  # fmt: skip
def cancel_draft(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    given = declaration.load(request.body) if request.body.strip() else {}
    try:
        reason = CancelIn.model_validate(given).reason
    except PydanticError as error:
        raise invalid_input(error.errors()) from None
    return Status(200, dossier_out(actions.cancel_draft(request.principal, dossier, reason)))


@router.post("/dossiers/{dossier_id}/completion", response={200: DossierOut, **ERRORS}, openapi_extra=COMPLETION_DOC,
             summary="Répondre à une demande de complément (les règles sont réévaluées)")  # fmt: skip
def answer_completion(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    answer = declaration.load(request.body)
    if not isinstance(answer, dict):
        raise Invalid("corps : objet JSON attendu", "corps")
    message = declaration.read_text(answer.get("message"), "message")
    return Status(200, dossier_out(actions.complete(request.principal, dossier, answer, message)))


@router.post("/dossiers/{dossier_id}/balance", response={200: DossierOut, **ERRORS}, openapi_extra=BALANCE_DOC,
             summary="Déposer la demande de solde")  # fmt: skip
def file_balance(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    document = declaration.load(request.body)
    return Status(200, dossier_out(actions.file_balance(request.principal, dossier, document)))


@router.post("/dossiers/{dossier_id}/end-of-service", response={200: DossierOut, **ERRORS},
             summary="Attestation de fin de Prestation (au plus tard à la Date 5)")  # fmt: skip
def attest(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, dossier_out(actions.attest_end_of_service(request.principal, dossier)))


@router.post("/dossiers/{dossier_id}/incapacity", response={200: DossierOut, **ERRORS},
             summary="Déclarer l'incapacité à réaliser la Prestation (§4.4)")  # fmt: skip
def incapacity(request, dossier_id: int, payload: ReasonIn):
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(200, dossier_out(declare_incapacity(request.principal, dossier, payload.reason)))


def document_out(document: Document) -> dict:
    return {"id": document.pk, "kind": document.kind, "name": document.name, "sha256": document.sha256,
            "size": document.size, "findings": document.findings, "check_state": document.check_state}  # fmt: skip


@router.post(
    "/dossiers/{dossier_id}/documents",
    response={201: DocumentOut, **ERRORS},
    summary="Joindre une pièce (PDF) ; un bon de commande ou une facture est contrôlé (mentions, montant)",
)
def upload_document(request, dossier_id: int, kind: Form[DocumentKind], file: File[UploadedFile]):
    # Pieces come from the dossier's supplier only (docs/api.md); staff read them, none adds any.
    request.principal.require(Role.SUPPLIER_MEMBER)
    dossier = dossier_or_404(request.principal, dossier_id)
    return Status(201, document_out(store_uploaded_file(dossier, kind, file, request.principal.label)))


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
    openapi_extra=binary("application/pdf", "La pièce, telle que déposée"),
    summary="Télécharger une pièce du dossier (PDF)",
)
def download_document(request, dossier_id: int, document_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    document = get_object_or_404(dossier.documents, pk=document_id)
    response = stored_document_response(document)
    if response is None:
        return Status(404, {"message": "Fichier introuvable dans le stockage des pièces."})
    return response

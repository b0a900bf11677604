"""Models to sign (PDF) for a dossier, its accusés de dépôt and lettres de décision, and the ASP's recovery
letters.

PDF answers are left out of the OpenAPI schema, as the SEPA file is: the fuzz test
(tests/api/test_fuzz.py) requires every answer of every documented operation to be JSON.
"""

from django.shortcuts import get_object_or_404
from ninja import Router

from sons.documents import notices
from sons.documents.http import pdf_response
from sons.documents.render import FILE_NAMES, render, render_letter
from sons.dossiers.scoping import dossier_or_404
from sons.recoveries.models import RecoveryCase
from sons.suppliers.enums import Role

from ..schemas import ErrorOut

router = Router(tags=["Documents"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PDF = {"responses": {200: {"description": "Document PDF", "content": {"application/pdf": {}}}}}


@router.get("/dossiers/{dossier_id}/models/{kind}", response=ERRORS, include_in_schema=False, openapi_extra=PDF,
            summary="Modèle à signer : bon de commande, VA, PV d'installation pilote, facture, fin de Prestation")  # fmt: skip
def dossier_model(request, dossier_id: int, kind: str):
    dossier = dossier_or_404(request.principal, dossier_id)
    return pdf_response(render(kind, dossier), f"{FILE_NAMES[kind]}-dossier-{dossier.pk}.pdf")


@router.get("/recoveries/{case_id}/letters/{kind}", response=ERRORS, include_in_schema=False, openapi_extra=PDF,
            summary="Courrier de recouvrement (ASP) : mise en demeure ou ordre de reversement")  # fmt: skip
def recovery_letter(request, case_id: int, kind: str):
    request.principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    case = get_object_or_404(RecoveryCase.objects.select_related("dossier__solution_version"), pk=case_id)
    return pdf_response(render_letter(kind, case), f"{FILE_NAMES[kind]}-recouvrement-{case.pk}.pdf")


@router.get("/dossiers/{dossier_id}/receipts/{request_kind}", response=ERRORS, include_in_schema=False,
            openapi_extra=PDF, summary="Accusé de dépôt d'une demande déposée (advance ou balance) : date de "
            "réception (date légale, AF §2) et pièces reçues")  # fmt: skip
def dossier_receipt(request, dossier_id: int, request_kind: str):
    dossier = dossier_or_404(request.principal, dossier_id)
    content = notices.render_receipt(dossier, request_kind)  # NotFound: a request never filed
    return pdf_response(content, f"accuse-de-depot-{request_kind}-dossier-{dossier.pk}.pdf")


@router.get("/dossiers/{dossier_id}/decisions/{decision_id}/letter", response=ERRORS, include_in_schema=False,
            openapi_extra=PDF, summary="Lettre de décision (validation, rejet, demande de complément), avec les "
            "voies et délais de recours ; decision_id : le n° de l'étape dans l'historique du dossier")  # fmt: skip
def dossier_decision_letter(request, dossier_id: int, decision_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    content = notices.render_decision(dossier, decision_id)  # NotFound: not a decision of this dossier
    return pdf_response(content, f"lettre-de-decision-{decision_id}-dossier-{dossier.pk}.pdf")

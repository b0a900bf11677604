"""Models to sign (PDF) for a dossier, its accusés de dépôt and lettres de décision, and the ASP's recovery
letters: binary answers in the OpenAPI schema (sons.api.openapi.binary)."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Path, Router
from pydantic import WithJsonSchema

from sons.documents import notices
from sons.documents.http import pdf_response
from sons.documents.render import FILE_NAMES, render, render_letter
from sons.dossiers.scoping import dossier_or_404
from sons.recoveries.models import RecoveryCase
from sons.suppliers.enums import Role

from ..openapi import binary
from ..schemas import ErrorOut

router = Router(tags=["Documents"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MODEL_KINDS = {"order": "bon de commande", "va": "vérification d'aptitude", "pv": "PV d'installation pilote",
               "invoice": "facture", "end-of-service": "attestation de fin de Prestation"}  # fmt: skip
LETTER_KINDS = {"formal-notice": "mise en demeure", "repayment-order": "ordre de reversement"}


def kind_of(kinds: dict):
    """A path parameter documented as an enum with its French labels (an unknown kind is the view's 404/422)."""
    description = "Valeurs : " + " ; ".join(f"`{k}` : {label}" for k, label in kinds.items()) + "."
    return Annotated[
        str,
        Path(description=description),
        WithJsonSchema({"type": "string", "enum": list(kinds), "description": description}),
    ]


ModelKind, LetterKind = kind_of(MODEL_KINDS), kind_of(LETTER_KINDS)
MODEL_DOC = binary("application/pdf", "Modèle PDF à faire signer")
LETTER_DOC = binary("application/pdf", "Courrier PDF")
RECEIPT_DOC = binary("application/pdf", "Accusé de dépôt PDF")
DECISION_DOC = binary("application/pdf", "Lettre de décision PDF")
RequestKind = kind_of({"advance": "demande d'avance", "balance": "demande de solde"})


@router.get("/dossiers/{dossier_id}/models/{kind}", response=ERRORS, openapi_extra=MODEL_DOC,
            summary="Modèle à signer : bon de commande, VA, PV d'installation pilote, facture, fin de Prestation")  # fmt: skip
def dossier_model(request, dossier_id: int, kind: ModelKind):
    dossier = dossier_or_404(request.principal, dossier_id)
    return pdf_response(render(kind, dossier), f"{FILE_NAMES[kind]}-dossier-{dossier.pk}.pdf")


@router.get("/recoveries/{case_id}/letters/{kind}", response=ERRORS, openapi_extra=LETTER_DOC,
            summary="Courrier de recouvrement (ASP) : mise en demeure ou ordre de reversement")  # fmt: skip
def recovery_letter(request, case_id: int, kind: LetterKind):
    request.principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    case = get_object_or_404(RecoveryCase.objects.select_related("dossier__solution_version"), pk=case_id)
    return pdf_response(render_letter(kind, case), f"{FILE_NAMES[kind]}-recouvrement-{case.pk}.pdf")


@router.get("/dossiers/{dossier_id}/receipts/{request_kind}", response=ERRORS, openapi_extra=RECEIPT_DOC, summary="Accusé de dépôt d'une demande déposée (advance ou balance) : date de "
            "réception (date légale, AF §2) et pièces reçues")  # fmt: skip
def dossier_receipt(request, dossier_id: int, request_kind: RequestKind):
    dossier = dossier_or_404(request.principal, dossier_id)
    content = notices.render_receipt(dossier, request_kind)  # NotFound: a request never filed
    return pdf_response(content, f"accuse-de-depot-{request_kind}-dossier-{dossier.pk}.pdf")


@router.get("/dossiers/{dossier_id}/decisions/{decision_id}/letter", response=ERRORS, openapi_extra=DECISION_DOC, summary="Lettre de décision (validation, rejet, demande de complément), avec les "
            "voies et délais de recours ; decision_id : le n° de l'étape dans l'historique du dossier")  # fmt: skip
def dossier_decision_letter(request, dossier_id: int, decision_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    content = notices.render_decision(dossier, decision_id)  # NotFound: not a decision of this dossier
    return pdf_response(content, f"lettre-de-decision-{decision_id}-dossier-{dossier.pk}.pdf")

"""What an integrator reads before filing: the organisation's solution versions and their referencing, and
whether a client is eligible (the rules on the client, with the directory's facts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.db.models import Q
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from sons import clock
from sons.directory.models import Centre, Professional
from sons.dossiers import actions
from sons.errors import Invalid, NotFound
from sons.registry.models import SolutionVersion
from sons.rules import codes
from sons.rules.core import REGISTRY

from ..schemas import ErrorOut, FindingOut, choice

router = Router(tags=["Avant le dépôt"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class VersionOut(Schema):
    id: int = Field(description="à donner en `solution_version_id` au dépôt")
    solution: str
    publisher: str
    market: choice(codes.MARKETS, "Commercialisation de la solution.")
    version: str
    profiles: list[choice(codes.PROFILES, "Profil couvert.")]
    referencing: choice(codes.REFERENCING, "Référencement ANS de la version.")
    referencing_label: str
    referenced_on: date | None
    complete_dossier_on: date | None = Field(description="dépôt du dossier complet de preuves de conformité")
    withdrawn_on: date | None


def visible_versions(principal):
    """A supplier's versions: those its organisation publishes or distributes (declared by the publisher);
    an agent sees them all."""
    versions = SolutionVersion.objects.select_related("solution__publisher")
    if principal.is_supplier:
        organisation = principal.organisation_id
        versions = versions.filter(
            Q(solution__publisher__organisation_id=organisation)
            | Q(solution__distributors__distributor_id=organisation)
        ).distinct()
    return versions.order_by("solution__name", "rank", "pk")


@router.get("/solutions", response={200: list[VersionOut], **ERRORS},
            summary="Versions de solution de l'organisation : profils et référencement ANS")  # fmt: skip
def list_solutions(request):
    return Status(200, [
        {"id": v.pk, "solution": v.solution.name, "publisher": v.solution.publisher.name, "market": v.solution.market,
         "version": v.version, "profiles": list(v.profiles), "referencing": v.referencing,
         "referencing_label": codes.REFERENCING.label(v.referencing), "referenced_on": v.referenced_on,
         "complete_dossier_on": v.complete_dossier_on, "withdrawn_on": v.withdrawn_on}
        for v in visible_versions(request.principal)
    ])  # fmt: skip


# The rules about the client (§4.2: profession, practice, Ordre, centre, single order, the version's profile).
CLIENT_RULES = frozenset(
    r.name for r in REGISTRY.get("advance", []) if r.function.__module__ == "sons.rules.client"
)


class DirectoryOut(Schema):
    known: bool = Field(description="le Client est dans l'annuaire (RPPS ou FINESS) de SONS")
    profession: str | None = None
    practice: str | None = None
    registered_with_order: bool | None = None
    centre_type: str | None = None
    tranche: str | None = None


class EligibilityOut(Schema):
    identifier: str
    client_kind: choice(codes.CLIENT_KINDS, "Type de Client.")
    solution_version_id: int
    eligible: bool = Field(description="aucun constat bloquant des règles sur le Client (§4.2)")
    findings: list[FindingOut] = Field(description="constats des règles sur le Client (§4.2)")
    directory: DirectoryOut


Identifier = Annotated[str, Path(), WithJsonSchema({
    "type": "string", "pattern": r"^([0-9]{11}|[0-9]{9})$",
    "description": "n° RPPS (11 chiffres) d'un professionnel ou n° FINESS géographique (9 chiffres) d'un centre"})]  # fmt: skip


def probe(identifier: str, version_id: int) -> dict:
    """A declaration naming only the client and the version; its order is a conforming one of today, whose
    findings are left out (only the rules on the client are read)."""
    today = clock.today().isoformat()
    client = {"rpps": identifier} if len(identifier) == 11 else {"finess_geo": identifier}
    return {
        "client": client, "solution_version_id": version_id,
        "order": {"in_client_name": True, "issued_on": today, "signed_on": today, "signature": "psc",
                  "lines": [{"label": "Prestation Ségur", "amount": "0.01"}], "vat_rate": "20",
                  "mention_state_funded": True, "mention_conditional_referencing": False, "conditioned_on": []},
    }  # fmt: skip


def directory_of(identifier: str) -> dict:
    if len(identifier) == 11:
        found = Professional.objects.filter(rpps=identifier).first()
        if found is None:
            return {"known": False}
        return {"known": True, "profession": found.profession, "practice": found.practice,
                "registered_with_order": found.registered_with_order}  # fmt: skip
    found = Centre.objects.filter(finess_geo=identifier).first()
    if found is None:
        return {"known": False}
    return {"known": True, "centre_type": found.centre_type, "tranche": found.tranche}


@router.get("/clients/{identifier}/eligibility", response={200: EligibilityOut, **ERRORS},
            summary="Éligibilité d'un Client pour une version : les règles sur le Client (§4.2) et l'annuaire ; rien "
            "n'est enregistré")  # fmt: skip
def eligibility(request, identifier: Identifier, solution_version_id: Query[int]):
    if not (identifier.isascii() and identifier.isdigit() and len(identifier) in (9, 11)):
        raise Invalid(
            "identifier : n° RPPS (11 chiffres) ou FINESS géographique (9 chiffres) attendu.", "identifier"
        )
    if not visible_versions(request.principal).filter(pk=solution_version_id).exists():
        raise NotFound("Version de solution inconnue.", "solution_version_id")
    dossier = actions.file_one(
        request.principal, probe(identifier, solution_version_id), draft=True, dry_run=True
    )
    findings = [f for f in dossier.findings if f.get("rule") in CLIENT_RULES]
    return Status(200, {
        "identifier": identifier, "client_kind": dossier.client_kind, "solution_version_id": solution_version_id,
        "eligible": not any(f.get("severity") == "blocking" for f in findings), "findings": findings,
        "directory": directory_of(identifier),
    })  # fmt: skip

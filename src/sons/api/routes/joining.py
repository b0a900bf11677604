"""Joining through the API: an organisation signs up; its administrators manage members and invitations; it
files its enrolment (§6.1) with its PDFs and changes its bank details; ASP instructors decide; ASP and ANS
administrators create agents and give roles. The same domain functions as the portal's (sons.suppliers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from sons.suppliers import actions, organisations, roles
from sons.suppliers.enums import (
    BankChangeState,
    EnrolmentState,
    EnrolmentStep,
    OrganisationKind,
    PieceKind,
    Role,
)
from sons.suppliers.errors import NotAllowed, Refused
from sons.suppliers.models import BankChange, Enrolment, Invitation, Membership

from ..schemas import Clean, ErrorOut, Identifier, Severity, StrictIn, choice

public = Router(tags=["Inscription"])
organisation = Router(tags=["Organisation et enrôlement"])
staff = Router(tags=["Enrôlements (ASP) et agents"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
Short = Annotated[str, Field(max_length=200), Clean]
Message = Annotated[str, Field(max_length=5000), Clean]
MemberRoleCode = Literal["administrator", "filer", "reader"]
StaffRole = Literal["asp_instructor", "asp_paying_agent", "asp_admin", "ans_agent", "ans_admin"]


def refused(error: Refused):
    return Status(error.status, error.as_dict())


# --- Sign-up ------------------------------------------------------------------------------------------------


class SignUpIn(StrictIn):
    siren: Annotated[str, Field(max_length=20), Clean]
    siret: Annotated[str, Field(max_length=20), Clean]
    name: Short
    address: Annotated[str, Field(max_length=300), Clean]
    postcode: Annotated[str, Field(max_length=10), Clean]
    city: Annotated[str, Field(max_length=100), Clean]
    kind: Literal["publisher", "distributor"]
    first_name: Annotated[str, Field(max_length=150), Clean]
    last_name: Annotated[str, Field(max_length=150), Clean]
    email: Annotated[str, Field(max_length=254), Clean]
    password: Annotated[str, Field(max_length=128), Clean]


class SignedUpOut(Schema):
    organisation_id: int
    message: str


@public.post("/sign-up", auth=None, response={201: SignedUpOut, **ERRORS},
             summary="Inscrire une organisation (éditeur ou distributeur) et son premier administrateur ; un lien "
             "de confirmation est envoyé à son adresse")  # fmt: skip
def sign_up(request, payload: SignUpIn):
    try:
        created, user = organisations.sign_up(organisations.SignUp(**payload.dict()))
    except Refused as error:
        return refused(error)
    return Status(201, {"organisation_id": created.pk,
                        "message": f"Lien de confirmation envoyé à {user.email} (valable 3 jours)."})  # fmt: skip


# --- The organisation, its members and invitations ---------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    siren: str
    siret: str
    kind: choice(OrganisationKind, "Nature de l'organisation.")
    enrolment_state: choice(EnrolmentState, "État de la demande d'enrôlement (null : aucune).") | None
    may_file: bool
    why_not: str | None


class MemberOut(Schema):
    id: int
    email: str
    name: str
    member_role: MemberRoleCode


class MemberRoleIn(StrictIn):
    member_role: MemberRoleCode


class InviteIn(StrictIn):
    email: Annotated[str, Field(max_length=254), Clean]
    member_role: MemberRoleCode


class InvitationOut(Schema):
    id: int
    email: str
    member_role: MemberRoleCode
    created_at: datetime
    expires_at: datetime
    state: Literal["open", "accepted", "revoked", "expired"]


def supplier_of(request):
    principal = request.principal
    if not principal.is_supplier:
        raise NotAllowed("Réservé aux fournisseurs.")
    return principal


def admin_of(request):
    principal = supplier_of(request)
    if not principal.is_organisation_admin:
        raise NotAllowed("Réservé aux administrateurs de l'organisation.")
    return principal


def member_out(member: Membership) -> dict:
    return {"id": member.pk, "email": member.user.email, "name": member.user.get_full_name(),
            "member_role": member.member_role}  # fmt: skip


def invitation_out(invitation: Invitation) -> dict:
    state = ("accepted" if invitation.accepted_at else "revoked" if invitation.revoked_at
             else "open" if invitation.open else "expired")  # fmt: skip
    return {"id": invitation.pk, "email": invitation.email, "member_role": invitation.member_role,
            "created_at": invitation.created_at, "expires_at": invitation.expires_at, "state": state}  # fmt: skip


@organisation.get("/organisation", response={200: OrganisationOut, **ERRORS},
                  summary="Mon organisation : son enrôlement, et si elle peut déposer des demandes")  # fmt: skip
def my_organisation(request):
    org = supplier_of(request).organisation
    enrolment = Enrolment.objects.filter(organisation=org).first()
    why = actions.organisation_may_file(org)
    return {"id": org.pk, "name": org.name, "siren": org.siren, "siret": org.siret, "kind": org.supplier_kind,
            "enrolment_state": enrolment.state if enrolment else None, "may_file": why is None, "why_not": why}  # fmt: skip


@organisation.get("/organisation/members", response={200: list[MemberOut], **ERRORS},
                  summary="Membres de l'organisation (administrateurs)")  # fmt: skip
def list_members(request):
    return [member_out(m) for m in organisations.members_of(admin_of(request))]


@organisation.patch("/organisation/members/{member_id}", response={200: MemberOut, **ERRORS},
                    summary="Changer le rôle d'un membre (l'organisation garde un administrateur)")  # fmt: skip
def change_member(request, member_id: Identifier, payload: MemberRoleIn):
    try:
        return member_out(organisations.change_member_role(admin_of(request), member_id, payload.member_role))
    except Refused as error:
        return refused(error)


@organisation.delete("/organisation/members/{member_id}", response={204: None, **ERRORS},
                     summary="Retirer un membre, ou quitter l'organisation (son propre identifiant)")  # fmt: skip
def remove_member(request, member_id: Identifier):
    try:
        organisations.remove_member(supplier_of(request), member_id)
    except Refused as error:
        return refused(error)
    return Status(204, None)


@organisation.get("/organisation/invitations", response={200: list[InvitationOut], **ERRORS},
                  summary="Invitations de l'organisation")  # fmt: skip
def list_invitations(request):
    principal = admin_of(request)
    return [
        invitation_out(i) for i in Invitation.objects.filter(organisation_id=principal.organisation_id)[:200]
    ]


@organisation.post("/organisation/invitations", response={201: InvitationOut, **ERRORS},
                   summary="Inviter une personne par courriel (lien à usage unique, valable 7 jours)")  # fmt: skip
def invite(request, payload: InviteIn):
    try:
        invitation, _ = organisations.invite(admin_of(request), payload.email, payload.member_role)
    except Refused as error:
        return refused(error)
    return Status(201, invitation_out(invitation))


@organisation.delete("/organisation/invitations/{invitation_id}", response={204: None, **ERRORS},
                     summary="Annuler une invitation")  # fmt: skip
def revoke_invitation(request, invitation_id: Identifier):
    principal = admin_of(request)
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation_id=principal.organisation_id)
    try:
        organisations.revoke_invitation(principal, invitation)
    except Refused as error:
        return refused(error)
    return Status(204, None)


# --- Enrolment ---------------------------------------------------------------------------------------------------


class EnrolmentFindingOut(Schema):
    rule: str
    section: str
    severity: Severity
    message: str


class PieceOut(Schema):
    id: int
    kind: choice(PieceKind, "Nature de la pièce.")
    name: str
    size: int
    sha256: str


class StepOut(Schema):
    name: choice(EnrolmentStep, "Étape.")
    from_state: choice(EnrolmentState, blank=True)
    to_state: choice(EnrolmentState)
    actor: str
    at: datetime
    reason: str


class EnrolmentOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    state: choice(EnrolmentState, "État de la demande d'enrôlement.")
    filed_on: date
    solution_id: int | None
    hosts_health_data: bool | None
    psc_user_service_operator: bool | None
    message: str
    findings: list[EnrolmentFindingOut]
    pieces: list[PieceOut]
    history: list[StepOut]


class BankChangeOut(Schema):
    id: int
    organisation_id: int
    iban: str
    bic: str
    state: choice(BankChangeState, "État des nouvelles coordonnées bancaires.")
    filed_at: datetime
    reason: str


def enrolment_out(enrolment: Enrolment) -> dict:
    return {
        "id": enrolment.pk, "organisation_id": enrolment.organisation_id, "organisation": enrolment.organisation.name,
        "state": enrolment.state, "filed_on": enrolment.filed_on, "solution_id": enrolment.solution_id,
        "hosts_health_data": enrolment.hosts_health_data,
        "psc_user_service_operator": enrolment.psc_user_service_operator, "message": enrolment.message,
        "findings": [{k: f.get(k, "") for k in ("rule", "section", "severity", "message")} for f in enrolment.findings],
        "pieces": [{"id": p.pk, "kind": p.kind, "name": p.name, "size": p.size, "sha256": p.sha256}
                   for p in enrolment.pieces.filter(replaced=False)],
        "history": [{"name": t.name, "from_state": t.from_state, "to_state": t.to_state, "actor": t.actor_label,
                     "at": t.at, "reason": t.reason} for t in enrolment.transitions.all()],
    }  # fmt: skip


def bank_change_out(change: BankChange) -> dict:
    return {"id": change.pk, "organisation_id": change.organisation_id, "iban": change.iban, "bic": change.bic,
            "state": change.state, "filed_at": change.filed_at, "reason": change.reason}  # fmt: skip


def pieces_of(files: dict) -> dict:
    return {kind: [file] for kind, file in files.items() if file is not None}


@organisation.get("/enrolment", response={200: EnrolmentOut, **ERRORS},
                  summary="La demande d'enrôlement de mon organisation, ses constats et son historique")  # fmt: skip
def my_enrolment(request):
    enrolment = Enrolment.objects.filter(organisation_id=supplier_of(request).organisation_id).first()
    if enrolment is None:
        return Status(404, {"message": "Aucune demande d'enrôlement : déposez-la (POST /api/enrolment)."})
    return enrolment_out(enrolment)


def _form(solution_id, hosts_health_data, psc_user_service_operator, iban, bic) -> actions.EnrolmentForm:
    return actions.EnrolmentForm(solution_id=solution_id, hosts_health_data=hosts_health_data,
                                 psc_user_service_operator=psc_user_service_operator, iban=iban, bic=bic)  # fmt: skip


@organisation.post("/enrolment", response={201: EnrolmentOut, **ERRORS},
                   summary="Déposer la demande d'enrôlement (§6.1) : formulaire et pièces PDF (multipart)")  # fmt: skip
def file_enrolment(
    request, solution_id: Form[Identifier], hosts_health_data: Form[bool], psc_user_service_operator: Form[bool],
    iban: Form[Annotated[str, Field(max_length=42)]], bic: Form[Annotated[str, Field(max_length=14)]],
    rib: File[UploadedFile] = None, hds_certificate: File[UploadedFile] = None,
    sworn_statement: File[UploadedFile] = None, psc_habilitation: File[UploadedFile] = None,
    publisher_declaration: File[UploadedFile] = None, publisher_mandate: File[UploadedFile] = None,
):  # fmt: skip
    files = {PieceKind.RIB: rib, PieceKind.HDS_CERTIFICATE: hds_certificate, PieceKind.SWORN_STATEMENT: sworn_statement,
             PieceKind.PSC_HABILITATION: psc_habilitation, PieceKind.PUBLISHER_DECLARATION: publisher_declaration,
             PieceKind.PUBLISHER_MANDATE: publisher_mandate}  # fmt: skip
    try:
        form = _form(solution_id, hosts_health_data, psc_user_service_operator, iban, bic)
        enrolment = actions.file_enrolment(supplier_of(request), form, pieces_of(files))
    except Refused as error:
        return refused(error)
    return Status(201, enrolment_out(enrolment))


@organisation.post("/enrolment/complete", response={200: EnrolmentOut, **ERRORS},
                   summary="Compléter la demande d'enrôlement à la demande de l'ASP (les nouvelles pièces remplacent "
                   "les précédentes du même type)")  # fmt: skip
def complete_enrolment(
    request, solution_id: Form[Identifier], hosts_health_data: Form[bool], psc_user_service_operator: Form[bool],
    iban: Form[Annotated[str, Field(max_length=42)]], bic: Form[Annotated[str, Field(max_length=14)]],
    answer: Form[Message] = "", rib: File[UploadedFile] = None, hds_certificate: File[UploadedFile] = None,
    sworn_statement: File[UploadedFile] = None, psc_habilitation: File[UploadedFile] = None,
    publisher_declaration: File[UploadedFile] = None, publisher_mandate: File[UploadedFile] = None,
):  # fmt: skip
    files = {PieceKind.RIB: rib, PieceKind.HDS_CERTIFICATE: hds_certificate, PieceKind.SWORN_STATEMENT: sworn_statement,
             PieceKind.PSC_HABILITATION: psc_habilitation, PieceKind.PUBLISHER_DECLARATION: publisher_declaration,
             PieceKind.PUBLISHER_MANDATE: publisher_mandate}  # fmt: skip
    try:
        form = _form(solution_id, hosts_health_data, psc_user_service_operator, iban, bic)
        enrolment = actions.complete_enrolment(supplier_of(request), form, pieces_of(files), answer)
    except Refused as error:
        return refused(error)
    return enrolment_out(enrolment)


@organisation.post("/enrolment/bank-details", response={201: BankChangeOut, **ERRORS},
                   summary="Changer de coordonnées bancaires (validées par l'ASP avant tout paiement)")  # fmt: skip
def change_bank_details(request, iban: Form[Annotated[str, Field(max_length=42)]],
                        bic: Form[Annotated[str, Field(max_length=14)]], rib: File[UploadedFile]):  # fmt: skip
    try:
        change = actions.file_bank_change(supplier_of(request), iban, bic, rib)
    except Refused as error:
        return refused(error)
    return Status(201, bank_change_out(change))


# --- ASP instructors ------------------------------------------------------------------------------------------


class EnrolmentDecisionIn(StrictIn):
    decision: Literal["validate", "request_completion", "reject"]
    message: Message = ""


class BankDecisionIn(StrictIn):
    decision: Literal["validate", "reject"]
    message: Message = ""


DECISIONS = {
    "validate": actions.validate,
    "request_completion": actions.request_completion,
    "reject": actions.reject,
}


def asp_agent(request):
    request.principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    return request.principal


@staff.get("/enrolments", response={200: list[EnrolmentOut], **ERRORS},
           summary="Demandes d'enrôlement, par état (déposées par défaut)")  # fmt: skip
def list_enrolments(request, state: Literal["filed", "to_complete", "validated", "rejected"] = "filed",
                    limit: Annotated[int, Field(ge=1, le=200)] = 50):  # fmt: skip
    asp_agent(request)
    found = Enrolment.objects.filter(state=state).select_related("organisation").order_by("filed_on", "pk")
    return [enrolment_out(e) for e in found[:limit]]


@staff.get(
    "/enrolments/{enrolment_id}", response={200: EnrolmentOut, **ERRORS}, summary="Une demande d'enrôlement"
)
def get_enrolment(request, enrolment_id: Identifier):
    asp_agent(request)
    return enrolment_out(get_object_or_404(Enrolment.objects.select_related("organisation"), pk=enrolment_id))


@staff.post("/enrolments/{enrolment_id}/decision", response={200: EnrolmentOut, **ERRORS},
            summary="Décider : valider (si les règles du §6.1 ne trouvent rien de bloquant), demander un complément "
            "ou rejeter (avec un message)")  # fmt: skip
def decide_enrolment(request, enrolment_id: Identifier, payload: EnrolmentDecisionIn):
    enrolment = get_object_or_404(Enrolment, pk=enrolment_id)
    try:
        decided = DECISIONS[payload.decision](request.principal, enrolment, payload.message)
    except Refused as error:
        return refused(error)
    return enrolment_out(decided)


@staff.get("/bank-changes", response={200: list[BankChangeOut], **ERRORS},
           summary="Changements de coordonnées bancaires en attente")  # fmt: skip
def list_bank_changes(request):
    asp_agent(request)
    return [bank_change_out(c) for c in BankChange.objects.filter(state="filed")[:200]]


@staff.post("/bank-changes/{change_id}/decision", response={200: BankChangeOut, **ERRORS},
            summary="Valider ou rejeter de nouvelles coordonnées bancaires")  # fmt: skip
def decide_bank_change(request, change_id: Identifier, payload: BankDecisionIn):
    change = get_object_or_404(BankChange, pk=change_id)
    try:
        decided = actions.decide_bank_change(request.principal, change, payload.decision == "validate",
                                             payload.message)  # fmt: skip
    except Refused as error:
        return refused(error)
    return bank_change_out(decided)


# --- Staff administration ----------------------------------------------------------------------------------------


class AgentIn(StrictIn):
    email: Annotated[str, Field(max_length=254), Clean]
    first_name: Annotated[str, Field(max_length=150), Clean]
    last_name: Annotated[str, Field(max_length=150), Clean]
    roles: Annotated[list[StaffRole], Field(max_length=5)]


class RoleIn(StrictIn):
    role: StaffRole


class AgentOut(Schema):
    id: int
    email: str
    name: str
    roles: list[str]


def agent_out(user) -> dict:
    held = sorted(
        Membership.objects.filter(user=user, organisation__isnull=True).values_list("role", flat=True)
    )
    return {"id": user.pk, "email": user.email, "name": user.get_full_name(), "roles": held}


def staff_user(user_id: int):
    return get_object_or_404(get_user_model().objects.filter(memberships__organisation__isnull=True).distinct(),
                             pk=user_id)  # fmt: skip


@staff.post("/agents", response={201: AgentOut, **ERRORS},
            summary="Créer un agent et lui donner ses rôles (administrateurs de l'ASP et de l'ANS)")  # fmt: skip
def create_agent(request, payload: AgentIn):
    try:
        user = roles.create_agent(request.principal, email=payload.email, first_name=payload.first_name,
                                  last_name=payload.last_name, roles=payload.roles)  # fmt: skip
    except Refused as error:
        return refused(error)
    return Status(201, agent_out(user))


@staff.post("/agents/{user_id}/roles", response={200: AgentOut, **ERRORS},
            summary="Attribuer un rôle (séparation des tâches : jamais instructeur et agent payeur à la fois ; "
            "jamais à soi-même)")  # fmt: skip
def grant_role(request, user_id: Identifier, payload: RoleIn):
    if not request.principal.holds(Role.ASP_ADMIN, Role.ANS_ADMIN):
        return Status(403, {"message": "Action réservée aux administrateurs de l'ASP et de l'ANS."})
    user = staff_user(user_id)
    try:
        roles.assign_role(request.principal, user, payload.role)
    except Refused as error:
        return refused(error)
    return agent_out(user)


@staff.delete("/agents/{user_id}/roles/{role}", response={200: AgentOut, **ERRORS}, summary="Retirer un rôle")
def withdraw_role(request, user_id: Identifier, role: StaffRole):
    if not request.principal.holds(Role.ASP_ADMIN, Role.ANS_ADMIN):
        return Status(403, {"message": "Action réservée aux administrateurs de l'ASP et de l'ANS."})
    user = staff_user(user_id)
    try:
        roles.withdraw_role(request.principal, user, role)
    except Refused as error:
        return refused(error)
    return agent_out(user)

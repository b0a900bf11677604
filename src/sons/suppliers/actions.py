"""Enrolment with the ASP (§6.1): the organisation files the online form and its pieces; an ASP instructor
validates it, rejects it or asks for completion, with the findings of the §6.1 rules. A change of bank
details is a step of the enrolment too, validated before any payment uses it.

    (none | rejected) --file--> filed --request_completion--> to_complete --complete--> filed
    filed --validate--> validated ; filed --reject--> rejected
    validated: file_bank_change --> (change) filed --validate_bank_change | reject_bank_change-->

Each step locks the enrolment, checks its state and the actor's role, writes a history row
(`EnrolmentTransition`, the event the notifications read), an audit entry, and sends `enrolment_step`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sons import clock
from sons.audit.journal import record
from sons.lifecycle import Step, TransitionRefused
from sons.rules import evaluate_enrolment

from .banking import bic_problem, compact_iban, iban_problem
from .enums import BankChangeState, MemberRole, OrganisationKind, PieceKind
from .enums import EnrolmentState as E
from .errors import Invalid, NotAllowed, NotFound
from .models import ApiToken, BankChange, Enrolment, EnrolmentPiece, Organisation
from .perms import Principal
from .pieces import store_piece
from .workflow import ENROLMENT, enrolment_step

__all__ = ["TransitionRefused", "enrolment_step"]


SUPPLIER, INSTRUCTOR = ENROLMENT["file"].roles, ENROLMENT["validate"].roles
STEPS = ENROLMENT.steps


@dataclass(frozen=True)
class EnrolmentForm:
    """The online form of §6.1 (the pieces come beside it, by kind)."""

    solution_id: int | None
    hosts_health_data: bool | None
    psc_user_service_operator: bool | None
    iban: str
    bic: str


def allowed_steps(enrolment: Enrolment | None, principal: Principal) -> list[Step]:
    return ENROLMENT.allowed(enrolment if enrolment is not None else Enrolment(state=""), principal)


def _require(principal: Principal, roles) -> None:
    principal.require(*roles)  # sons.errors.Forbidden (403) when the roles do not allow it


def _transition(enrolment, name, before, after, principal, reason="", bank_change=None, payload=None):
    """An event of the enrolment that is not one of its steps (its bank details' changes): history and audit."""
    return ENROLMENT.record(enrolment, name, before, after, principal, reason, payload=payload,
                            bank_change=bank_change)  # fmt: skip


def perform(
    enrolment: Enrolment, name: str, principal: Principal, reason: str = "", *,
    change: Callable[[Enrolment], None] | None = None,
) -> Enrolment:  # fmt: skip
    """Take the enrolment's step `name` (suppliers.workflow), after `change`; the supplier acts on its own."""
    step = ENROLMENT[name]
    _require(principal, step.roles)
    if step.roles == SUPPLIER and enrolment.organisation_id != principal.organisation_id:
        raise NotFound("Enrôlement inconnu.")

    def changed(locked):
        if change is not None:
            change(locked)
        if reason:
            locked.message = reason
        if step.roles == INSTRUCTOR:
            locked.decided_at = timezone.now()

    return ENROLMENT.perform(enrolment, name, principal, reason, change=changed,
                             audit_payload=lambda locked: {"findings": len(locked.findings)})  # fmt: skip


# --- What the rules see ------------------------------------------------------------------------------------


def enrolment_facts(organisation: Organisation, enrolment: Enrolment | None = None) -> dict:
    """The facts of §4.1 and §6.1 for the rules: from the online form and its pieces when filed through it,
    else (enrolments recorded before the form) from the organisation's own record."""
    enrolment = enrolment if enrolment is not None else getattr(organisation, "enrolment", None)
    if enrolment is None or enrolment.solution_id is None:
        return _organisation_facts(organisation)
    pieces = {kind: [] for kind in PieceKind.values}
    for piece in enrolment.pieces.filter(replaced=False):
        pieces[piece.kind].append(piece.name)
    solution = enrolment.solution
    distributor = organisation.supplier_kind == OrganisationKind.DISTRIBUTOR
    declaration = solution.distributors.filter(distributor=organisation).first() if distributor else None
    return {
        "supplier": {
            "role": organisation.supplier_kind,
            "declared_by_publisher": (declaration is not None or bool(pieces[PieceKind.PUBLISHER_DECLARATION]))
            if distributor else None,
            "publisher_mandate": (bool(declaration and declaration.mandate) or bool(pieces[PieceKind.PUBLISHER_MANDATE]))
            if distributor else None,
            "psc_user_service_operator": enrolment.psc_user_service_operator,
            "hosts_health_data": enrolment.hosts_health_data,
            "hds_certificates": pieces[PieceKind.HDS_CERTIFICATE],
            "sworn_statement": bool(pieces[PieceKind.SWORN_STATEMENT]),
        },
        "solution": {
            "market": solution.market,
            "candidature_validated": solution.versions.filter(candidature_validated=True).exists(),
        },
    }  # fmt: skip


def _organisation_facts(organisation: Organisation) -> dict:
    versions = organisation.publisher.solutions.all() if hasattr(organisation, "publisher") else []
    candidature = any(v.candidature_validated for s in versions for v in s.versions.all()) or any(
        v.candidature_validated for d in organisation.distributions.all() for v in d.solution.versions.all()
    )
    distributor = organisation.supplier_kind == OrganisationKind.DISTRIBUTOR
    declaration = organisation.distributions.first()
    return {
        "supplier": {
            "role": organisation.supplier_kind,
            "declared_by_publisher": declaration is not None if distributor else None,
            "publisher_mandate": bool(declaration and declaration.mandate) if distributor else None,
            "psc_user_service_operator": organisation.psc_user_service_operator,
            "hosts_health_data": organisation.hosts_health_data,
            "hds_certificates": ["certificat"] * organisation.hds_certificates,
            "sworn_statement": organisation.sworn_statement,
        },
        "solution": {"market": "open", "candidature_validated": candidature},
    }


def evaluate(enrolment: Enrolment):
    return evaluate_enrolment(enrolment_facts(enrolment.organisation, enrolment), clock.today())


# --- The supplier files and completes --------------------------------------------------------------------------


REQUIRED_PIECES = (PieceKind.RIB,)


def _clean_form(organisation: Organisation, form: EnrolmentForm):
    Solution = Enrolment._meta.get_field("solution").related_model  # the ANS registry's, without importing it
    if not form.solution_id:
        raise Invalid("Choisissez la solution logicielle que vous éditez ou distribuez.", "solution_id")
    solution = Solution.objects.select_related("publisher").filter(pk=form.solution_id).first()
    if solution is None:
        raise Invalid("Solution inconnue du registre de l'ANS.", "solution_id")
    if organisation.supplier_kind == OrganisationKind.PUBLISHER and solution.publisher.organisation_id not in (
        None, organisation.pk,
    ):  # fmt: skip
        raise Invalid("Cette solution est éditée par une autre organisation : inscrivez-vous comme distributeur.",
                      "solution_id")  # fmt: skip
    if form.hosts_health_data is None:
        raise Invalid("Indiquez si vous hébergez des données de santé ou fournissez un service SaaS.",
                      "hosts_health_data")  # fmt: skip
    if form.psc_user_service_operator is None:
        raise Invalid(
            "Indiquez si vous disposez de l'habilitation Pro Santé Connect.", "psc_user_service_operator"
        )
    if problem := iban_problem(form.iban):
        raise Invalid(problem, "iban")
    if problem := bic_problem(form.bic):
        raise Invalid(problem, "bic")
    return solution


def _write_form(enrolment: Enrolment, form: EnrolmentForm, solution) -> None:
    enrolment.solution = solution
    enrolment.hosts_health_data = form.hosts_health_data
    enrolment.psc_user_service_operator = form.psc_user_service_operator
    enrolment.iban = compact_iban(form.iban)
    enrolment.bic = form.bic.replace(" ", "").upper()


def _attach(principal: Principal, enrolment: Enrolment, files: dict) -> None:
    """Store the uploaded pieces; a new piece of a kind replaces the previous ones of that kind."""
    for kind, uploaded in files.items():
        if not uploaded:
            continue
        EnrolmentPiece.objects.filter(enrolment=enrolment, kind=kind).update(replaced=True)
        for file in uploaded:
            store_piece(enrolment.organisation, kind, file, principal.label, enrolment=enrolment)


def _check_pieces(enrolment: Enrolment, files: dict) -> None:
    held = (
        set(enrolment.pieces.filter(replaced=False).values_list("kind", flat=True)) if enrolment.pk else set()
    )
    for kind in REQUIRED_PIECES:
        if kind not in held and not files.get(kind):
            raise Invalid(f"{PieceKind(kind).label} : pièce obligatoire (PDF).", kind)


def _read_files(files: dict) -> dict:
    """Checked before anything is written, so that a bad file creates nothing."""
    from .pieces import read_upload

    for kind, uploaded in files.items():
        if kind not in PieceKind.values:
            raise Invalid("Pièce inconnue.", kind)
        for file in uploaded or []:
            read_upload(kind, file)
            file.seek(0)
    return files


def file_enrolment(principal: Principal, form: EnrolmentForm, files: dict | None = None) -> Enrolment:
    """File (or, after a rejection, file again) the organisation's enrolment, with its pieces; the §6.1 rules'
    findings are stored for the instructor."""
    _require(principal, SUPPLIER)
    organisation = principal.organisation
    files = _read_files(files or {})
    solution = _clean_form(organisation, form)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        enrolment = Enrolment.objects.filter(organisation=locked).first()
        if enrolment is None:  # a first filing: the enrolment exists, without a state, until its step
            enrolment = Enrolment.objects.create(organisation=locked, state="", filed_on=clock.today())
        elif enrolment.state not in STEPS["file"].sources:
            raise TransitionRefused(
                f"Une demande d'enrôlement existe déjà (état « {E(enrolment.state).label} »)."
            )
        _check_pieces(enrolment, files)

        def change(filed):
            _write_form(filed, form, solution)
            filed.filed_on, filed.message = clock.today(), ""
            _attach(principal, filed, files)
            filed.findings = [f.as_dict() for f in evaluate(filed).findings]

        return perform(enrolment, "file", principal, change=change)


def complete_enrolment(principal: Principal, form: EnrolmentForm, files: dict | None = None,
                       answer: str = "") -> Enrolment:  # fmt: skip
    """The organisation's answer to a completion request: the form again, new pieces replacing old ones."""
    _require(principal, SUPPLIER)
    enrolment = Enrolment.objects.filter(organisation_id=principal.organisation_id).first()
    if enrolment is None:
        raise NotFound("Aucune demande d'enrôlement à compléter.")
    files = _read_files(files or {})
    solution = _clean_form(principal.organisation, form)

    def change(locked):
        _check_pieces(locked, files)
        _write_form(locked, form, solution)
        _attach(principal, locked, files)
        locked.findings = [f.as_dict() for f in evaluate(locked).findings]

    return perform(enrolment, "complete", principal, answer, change=change)


# --- The instructor decides ------------------------------------------------------------------------------------


def request_completion(principal: Principal, enrolment: Enrolment, message: str) -> Enrolment:
    return perform(enrolment, "request_completion", principal, message)


def reject(principal: Principal, enrolment: Enrolment, message: str) -> Enrolment:
    return perform(enrolment, "reject", principal, message)


def validate(principal: Principal, enrolment: Enrolment, message: str = "") -> Enrolment:
    """Validated when the §6.1 rules find nothing blocking; the organisation's record then takes the validated
    facts: bank details (used by the next payments), PSC habilitation, hosting, and the publisher's link."""

    def change(locked):
        outcome = evaluate(locked)
        locked.findings = [f.as_dict() for f in outcome.findings]
        if not outcome.ok:
            blocking = " ; ".join(f.message for f in outcome.findings if f.severity == "blocking")
            raise TransitionRefused(f"Enrôlement non conforme : {blocking}")
        if locked.solution_id is not None:
            _apply_validated(locked)

    return perform(enrolment, "validate", principal, message, change=change)


def _apply_validated(enrolment: Enrolment) -> None:
    organisation = Organisation.objects.select_for_update().get(pk=enrolment.organisation_id)
    kinds = list(enrolment.pieces.filter(replaced=False).values_list("kind", flat=True))
    organisation.iban, organisation.bic = enrolment.iban, enrolment.bic
    organisation.psc_user_service_operator = bool(enrolment.psc_user_service_operator)
    organisation.hosts_health_data = enrolment.hosts_health_data
    organisation.hds_certificates = kinds.count(PieceKind.HDS_CERTIFICATE)
    organisation.sworn_statement = PieceKind.SWORN_STATEMENT in kinds
    organisation.save()
    publisher = enrolment.solution.publisher
    if organisation.supplier_kind == OrganisationKind.PUBLISHER and publisher.organisation_id is None:
        publisher.organisation = organisation
        publisher.save(update_fields=["organisation"])


# --- Bank details ---------------------------------------------------------------------------------------------


def file_bank_change(principal: Principal, iban: str, bic: str, rib) -> BankChange:
    """New bank details, with their RIB: payments keep the validated details until the ASP validates these."""
    _require(principal, SUPPLIER)
    if principal.member_role not in (None, MemberRole.ADMINISTRATOR):
        raise NotAllowed("Seuls les administrateurs de l'organisation changent ses coordonnées bancaires.")
    if problem := iban_problem(iban):
        raise Invalid(problem, "iban")
    if problem := bic_problem(bic):
        raise Invalid(problem, "bic")
    if not rib:
        raise Invalid(f"{PieceKind.RIB.label} : pièce obligatoire (PDF).", PieceKind.RIB)
    _read_files({PieceKind.RIB: [rib]})
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update().filter(organisation_id=principal.organisation_id).first()
        )
        if enrolment is None or enrolment.state != E.VALIDATED:
            raise TransitionRefused("Les coordonnées bancaires se changent une fois l'enrôlement validé ; d'ici là, "
                                    "complétez la demande d'enrôlement.")  # fmt: skip
        if BankChange.objects.filter(
            organisation_id=principal.organisation_id, state=BankChangeState.FILED
        ).exists():
            raise TransitionRefused(
                "Un changement de coordonnées bancaires attend déjà la décision de l'ASP."
            )
        change = BankChange.objects.create(
            organisation_id=principal.organisation_id,
            iban=compact_iban(iban),
            bic=bic.replace(" ", "").upper(),
        )
        store_piece(enrolment.organisation, PieceKind.RIB, rib, principal.label, bank_change=change)
        _transition(enrolment, "file_bank_change", "", BankChangeState.FILED, principal, bank_change=change,
                    payload={"iban_country": change.iban[:2]})  # fmt: skip
    return change


def decide_bank_change(
    principal: Principal, change: BankChange, accept: bool, reason: str = ""
) -> BankChange:
    _require(principal, INSTRUCTOR)
    if not accept and not reason.strip():
        raise Invalid("Un motif est obligatoire pour rejeter des coordonnées bancaires.", "reason")
    name = "validate_bank_change" if accept else "reject_bank_change"
    with transaction.atomic():
        locked = BankChange.objects.select_for_update().select_related("organisation").get(pk=change.pk)
        if locked.state != BankChangeState.FILED:
            raise TransitionRefused("Ce changement de coordonnées bancaires a déjà été décidé.")
        locked.state = BankChangeState.VALIDATED if accept else BankChangeState.REJECTED
        locked.decided_at, locked.reason = timezone.now(), reason
        locked.save()
        if accept:
            organisation = Organisation.objects.select_for_update().get(pk=locked.organisation_id)
            organisation.iban, organisation.bic = locked.iban, locked.bic
            organisation.save(update_fields=["iban", "bic"])
        _transition(locked.organisation.enrolment, name, BankChangeState.FILED, locked.state, principal, reason,
                    bank_change=locked)  # fmt: skip
    return locked


def organisation_may_file(organisation: Organisation | None) -> str | None:
    """Why the organisation cannot file a request yet (French), or None: §6 « tout dépôt d'une demande de
    financement est subordonné à l'enrôlement du Fournisseur auprès de l'ASP »."""
    if organisation is None:
        return None
    # Read now, not from `organisation` (an API token's principal is kept a few seconds in the process).
    state = Enrolment.objects.filter(organisation_id=organisation.pk).values_list("state", flat=True).first()
    if state is None:
        return "Votre organisation n'est pas encore enrôlée auprès de l'ASP : déposez d'abord sa demande d'enrôlement (§6.1)."
    if state == E.VALIDATED:
        return None
    return {
        E.FILED: "La demande d'enrôlement de votre organisation est en cours d'instruction par l'ASP : vous pourrez "
        "déposer des demandes de financement dès sa validation (§6.1).",
        E.TO_COMPLETE: "L'ASP demande de compléter la demande d'enrôlement de votre organisation : vous pourrez "
        "déposer des demandes de financement dès sa validation (§6.1).",
        E.REJECTED: "La demande d'enrôlement de votre organisation a été rejetée : déposez-en une nouvelle (§6.1).",
    }.get(state, "Votre organisation n'est pas enrôlée auprès de l'ASP (§6.1).")


# --- API tokens (who issues and revokes them: the organisation's administrators, an agent for themselves) --


def issue_token(principal: Principal, label: str, *, organisation=None, user=None) -> tuple[ApiToken, str]:
    """A new API token (its clear key is returned once), journaled."""
    with transaction.atomic():
        token, key = ApiToken.issue(label, organisation=organisation, user=user, created_by=principal.user)
        record("token.issued", actor=principal.label, target=token,
               payload={"label": label, "organisation": organisation.pk if organisation else None,
                        "expires_at": token.expires_at})  # fmt: skip
    return token, key


def revoke_token(principal: Principal, token: ApiToken) -> ApiToken:
    """Revoked at once: the next request with it gets 401. Revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not token.revoked:
            token.revoked, token.revoked_at = True, timezone.now()
            token.save(update_fields=["revoked", "revoked_at"])
            record("token.revoked", actor=principal.label, target=token, payload={"label": token.label})
    return token

"""Joining SONS: an organisation signs up with its first administrator; administrators invite members by a
single-use link (7 days), give them a role within the organisation and remove them; the last administrator
cannot leave. Every change is written to the audit journal."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from sons.audit.journal import record

from .emails import send_invitation, send_sign_up_confirmation
from .enums import MemberRole, OrganisationKind, Role
from .errors import Conflict, Invalid, NotAllowed, NotFound
from .models import ApiToken, Invitation, Membership, Organisation
from .perms import Principal

INVITATION_DAYS = 7
# A sign-up whose administrator never confirmed their address stops holding its SIREN after this delay.
SIGN_UP_CONFIRMATION_DAYS = 3


@dataclass(frozen=True)
class SignUp:
    """What a supplier gives to sign up its organisation (the portal's form and the API's body)."""

    siren: str
    siret: str
    name: str
    address: str
    postcode: str
    city: str
    kind: str
    first_name: str
    last_name: str
    email: str
    password: str


def clean_siren(value: str) -> str:
    siren = stdnum_siren.compact(value or "")
    if not siren:
        raise Invalid("SIREN obligatoire (9 chiffres).", "siren")
    if not stdnum_siren.is_valid(siren):
        raise Invalid(f"SIREN « {value} » invalide : 9 chiffres dont la clé de contrôle (Luhn).", "siren")
    return siren


def clean_siret(value: str, siren: str | None = None) -> str:
    siret = stdnum_siret.compact(value or "")
    if not siret:
        raise Invalid("SIRET obligatoire (14 chiffres).", "siret")
    if not stdnum_siret.is_valid(siret):
        raise Invalid(f"SIRET « {value} » invalide : 14 chiffres dont la clé de contrôle (Luhn).", "siret")
    if siren and not siret.startswith(siren):
        raise Invalid(
            "Le SIRET doit commencer par le SIREN de l'organisation (ses 9 premiers chiffres).", "siret"
        )
    return siret


def clean_email(value: str, field: str = "email") -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("Adresse électronique invalide.", field) from None
    return email


def clean_password(password: str, user=None, field: str = "password") -> None:
    try:
        validate_password(password or "", user)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field) from None
    if not password:
        raise Invalid("Mot de passe obligatoire.", field)


def masked_email(email: str) -> str:
    """`claire.martin@editeur.fr` → `c•••@editeur.fr`: enough to recognise a colleague, not to harvest."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def administrators_pointer(organisation: Organisation) -> str:
    admins = (
        Membership.objects.filter(organisation=organisation, member_role=MemberRole.ADMINISTRATOR)
        .select_related("user")
        .order_by("pk")
    )
    names = [f"{m.user.get_full_name() or 'administrateur'} ({masked_email(m.user.email)})" for m in admins]
    who = ", ".join(names) if names else "ses administrateurs"
    return (
        f"L'organisation « {organisation.name} » est déjà inscrite sur SONS. Demandez une invitation à ses "
        f"administrateurs : {who}."
    )


def sign_up(data: SignUp) -> tuple[Organisation, object]:
    """The organisation (pending) and its first administrator (inactive until the e-mail is confirmed)."""
    siren = clean_siren(data.siren)
    siret = clean_siret(data.siret, siren)
    name = (data.name or "").strip()
    if not name:
        raise Invalid("Raison sociale obligatoire.", "name")
    if not (data.address or "").strip() or not (data.postcode or "").strip() or not (data.city or "").strip():
        field = next(f for f in ("address", "postcode", "city") if not (getattr(data, f) or "").strip())
        raise Invalid("Adresse complète obligatoire (voie, code postal, commune).", field)
    if data.kind not in OrganisationKind.values:
        raise Invalid("Indiquez si l'organisation est éditeur ou distributeur.", "kind")
    email = clean_email(data.email)
    if not (data.first_name or "").strip() or not (data.last_name or "").strip():
        raise Invalid(
            "Nom et prénom de l'administrateur obligatoires.",
            "last_name" if data.first_name else "first_name",
        )
    User = get_user_model()
    candidate = User(username=email, email=email, first_name=data.first_name, last_name=data.last_name)
    clean_password(data.password, candidate)
    with transaction.atomic():
        existing = Organisation.objects.select_for_update().filter(siren=siren).first()
        if existing is not None:
            if existing.pending and existing.pending_since < timezone.now() - timedelta(
                days=SIGN_UP_CONFIRMATION_DAYS
            ):
                _drop_unconfirmed(existing)
            elif existing.pending:
                raise Conflict(
                    "Une inscription de ce SIREN attend la confirmation de l'adresse électronique de son "
                    f"administrateur (lien envoyé à {masked_email(_first_admin_email(existing))}).",
                    "siren",
                )
            else:
                raise Conflict(administrators_pointer(existing), "siret")
        if (
            User.objects.filter(username__iexact=email).exists()
            or User.objects.filter(email__iexact=email).exists()
        ):
            raise Conflict(
                "Un compte existe déjà pour cette adresse électronique : connectez-vous, ou choisissez une autre "
                "adresse.",
                "email",
            )
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name=name[:200], siren=siren, siret=siret, kind=data.kind, address=data.address.strip()[:300],
                    postcode=data.postcode.strip()[:10], city=data.city.strip()[:100], pending_since=timezone.now(),
                )  # fmt: skip
        except IntegrityError:  # a concurrent sign-up of the same SIREN won
            raise Conflict("Ce SIREN vient d'être inscrit.", "siren") from None
        user = User.objects.create_user(
            username=email, email=email, password=data.password, first_name=data.first_name.strip()[:150],
            last_name=data.last_name.strip()[:150], is_active=False,
        )  # fmt: skip
        Membership.objects.create(
            user=user,
            organisation=organisation,
            role=Role.SUPPLIER_MEMBER,
            member_role=MemberRole.ADMINISTRATOR,
        )
        record(
            "organisation.signed_up", actor=email, target=organisation,
            payload={"siren": siren, "siret": siret, "name": organisation.name, "kind": data.kind, "admin": email},
        )  # fmt: skip
        send_sign_up_confirmation(user, organisation)
    return organisation, user


def _first_admin_email(organisation: Organisation) -> str:
    member = (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("pk").first()
    )
    return member.user.email if member else ""


def _drop_unconfirmed(organisation: Organisation) -> None:
    users = [m.user for m in Membership.objects.filter(organisation=organisation).select_related("user")]
    record(
        "organisation.sign_up_expired", actor="système", target=organisation,
        payload={"siren": organisation.siren, "admins": [u.email for u in users]},
    )  # fmt: skip
    Membership.objects.filter(organisation=organisation).delete()
    for user in users:
        if not user.is_active and not user.memberships.exists():
            user.delete()
    organisation.delete()


def confirm_sign_up(user) -> Organisation:
    """The administrator followed the link: the account and the organisation are open."""
    with transaction.atomic():
        member = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(user=user, role=Role.SUPPLIER_MEMBER)
        )
        organisation = member.organisation
        user.is_active = True
        user.save(update_fields=["is_active"])
        if organisation.pending:
            organisation.pending_since = None
            organisation.save(update_fields=["pending_since"])
            record("organisation.confirmed", actor=user.get_username(), target=organisation, payload={})
    return organisation


# --- Invitations -------------------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def invite(principal: Principal, email: str, member_role: str) -> tuple[Invitation, str]:
    """A single-use invitation link for `email`, valid 7 days, e-mailed; returns it and its clear key."""
    _require_admin(principal)
    email = clean_email(email)
    if member_role not in MemberRole.values:
        raise Invalid("Rôle inconnu : administrateur, déposant ou lecteur.", "member_role")
    organisation = principal.organisation
    with transaction.atomic():
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise Conflict("Cette personne est déjà membre de l'organisation.", "email")
        now = timezone.now()
        Invitation.objects.filter(
            organisation=organisation, email__iexact=email, accepted_at=None, revoked_at=None
        ).update(revoked_at=now)  # a new invitation replaces the previous one
        key = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, member_role=member_role, key_hash=hash_key(key),
            invited_by=principal.user, created_at=now, expires_at=now + timedelta(days=INVITATION_DAYS),
        )  # fmt: skip
        record(
            "member.invited", actor=principal.label, target=organisation,
            payload={"email": email, "member_role": member_role, "invitation": invitation.pk},
        )  # fmt: skip
        send_invitation(invitation, key)
    return invitation, key


def _require_admin(principal: Principal) -> None:
    if not principal.is_organisation_admin:
        raise NotAllowed("Action réservée aux administrateurs de l'organisation.")


def revoke_invitation(principal: Principal, invitation: Invitation) -> None:
    _require_admin(principal)
    if invitation.organisation_id != principal.organisation_id:
        raise NotFound("Invitation inconnue.", "invitation")
    with transaction.atomic():
        updated = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise Conflict("Cette invitation a déjà été utilisée ou annulée.", "invitation")
        record("member.invitation_revoked", actor=principal.label, target=invitation.organisation,
               payload={"email": invitation.email, "invitation": invitation.pk})  # fmt: skip


def open_invitation(key: str, *, lock: bool = False) -> Invitation:
    """The invitation of a link, or a refusal saying why the link no longer works (field `invitation`)."""
    queryset = Invitation.objects.select_related("organisation")
    if lock:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(key_hash=hash_key(key or "")).first()
    if invitation is None:
        raise NotFound("Lien d'invitation inconnu : vérifiez l'adresse, ou demandez une nouvelle invitation.",
                      "invitation")  # fmt: skip
    if invitation.accepted_at is not None:
        raise Conflict("Cette invitation a déjà été utilisée : un lien d'invitation ne sert qu'une fois. "
                       "Connectez-vous, ou demandez une nouvelle invitation.", "invitation")  # fmt: skip
    if invitation.revoked_at is not None:
        raise Conflict(
            "Cette invitation a été annulée par un administrateur de l'organisation.", "invitation"
        )
    if invitation.expires_at <= timezone.now():
        day = timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")
        raise Conflict(f"Cette invitation a expiré le {day} (validité : {INVITATION_DAYS} jours). "
                       "Demandez-en une nouvelle à un administrateur de l'organisation.", "invitation")  # fmt: skip
    return invitation


def accept_invitation(
    key: str, *, user=None, first_name: str = "", last_name: str = "", password: str = ""
) -> Membership:
    """Use the link: `user` (signed in, with the invited address) joins, or a new account is opened for the
    invited address (the link proves it). The link then stops working."""
    User = get_user_model()
    with transaction.atomic():
        invitation = open_invitation(key, lock=True)
        if user is None:
            if not first_name.strip() or not last_name.strip():
                raise Invalid(
                    "Nom et prénom obligatoires.", "last_name" if first_name.strip() else "first_name"
                )
            if (
                User.objects.filter(username__iexact=invitation.email).exists()
                or User.objects.filter(email__iexact=invitation.email).exists()
            ):
                raise Conflict("Un compte existe déjà pour cette adresse : connectez-vous, puis ouvrez à nouveau "
                               "le lien d'invitation.", "invitation")  # fmt: skip
            candidate = User(username=invitation.email, email=invitation.email, first_name=first_name,
                             last_name=last_name)  # fmt: skip
            clean_password(password, candidate)
            user = User.objects.create_user(
                username=invitation.email, email=invitation.email, password=password,
                first_name=first_name.strip()[:150], last_name=last_name.strip()[:150],
            )  # fmt: skip
        elif user.email.lower() != invitation.email.lower():
            raise NotAllowed(f"Cette invitation est adressée à {invitation.email} : connectez-vous avec ce compte.",
                             "invitation")  # fmt: skip
        if user.memberships.exists():
            raise Conflict("Ce compte a déjà un rôle sur SONS (un compte n'appartient qu'à une organisation).",
                           "invitation")  # fmt: skip
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, role=Role.SUPPLIER_MEMBER,
            member_role=invitation.member_role, granted_by=invitation.invited_by,
        )  # fmt: skip
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            "member.joined", actor=user.get_username(), target=invitation.organisation,
            payload={"email": user.email, "member_role": invitation.member_role, "invitation": invitation.pk},
        )  # fmt: skip
    return membership


# --- Members ------------------------------------------------------------------------------------------------


def members_of(principal: Principal):
    return (
        Membership.objects.filter(organisation_id=principal.organisation_id, role=Role.SUPPLIER_MEMBER)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _locked_member(principal: Principal, membership_id: int) -> Membership:
    member = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .filter(pk=membership_id, organisation_id=principal.organisation_id, role=Role.SUPPLIER_MEMBER)
        .first()
    )
    if member is None:
        raise NotFound("Membre inconnu.", "member")
    return member


def _other_administrators(member: Membership) -> int:
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(organisation_id=member.organisation_id, member_role=MemberRole.ADMINISTRATOR)
        .exclude(pk=member.pk)
        .count()
    )


LAST_ADMIN = "L'organisation doit garder au moins un administrateur : nommez d'abord un autre administrateur."


def change_member_role(principal: Principal, membership_id: int, member_role: str) -> Membership:
    _require_admin(principal)
    if member_role not in MemberRole.values:
        raise Invalid("Rôle inconnu : administrateur, déposant ou lecteur.", "member_role")
    with transaction.atomic():
        member = _locked_member(principal, membership_id)
        before = member.member_role
        if before == member_role:
            return member
        if before == MemberRole.ADMINISTRATOR and not _other_administrators(member):
            raise Conflict(LAST_ADMIN, "member_role")
        member.member_role = member_role
        member.save(update_fields=["member_role"])
        record(
            "member.role_changed", actor=principal.label, target=member.organisation,
            payload={"email": member.user.email, "from": before, "to": member_role},
        )  # fmt: skip
    return member


def remove_member(principal: Principal, membership_id: int) -> None:
    """An administrator removes a member, or a member leaves (`membership_id` is their own row). Their
    personal API tokens are revoked; the last administrator cannot leave."""
    own = (
        principal.user is not None
        and Membership.objects.filter(pk=membership_id, user=principal.user).exists()
    )
    if not own:
        _require_admin(principal)
    with transaction.atomic():
        member = _locked_member(principal, membership_id)
        if member.member_role == MemberRole.ADMINISTRATOR and not _other_administrators(member):
            raise Conflict(LAST_ADMIN, "member")
        ApiToken.objects.filter(user=member.user, revoked=False).update(revoked=True)
        member.delete()
        record(
            "member.left" if own else "member.removed", actor=principal.label, target=member.organisation,
            payload={"email": member.user.email, "member_role": member.member_role},
        )  # fmt: skip

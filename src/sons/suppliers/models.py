"""Suppliers (éditeurs, distributeurs), their members, invitations and API tokens, the staff's roles, and the
enrolment with the ASP (§6.1) with its pieces and the changes of bank details."""

import hashlib
import os
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from sons.lifecycle import StepRecord

from .banking import iban_problem
from .enums import (
    BankChangeState,
    EnrolmentState,
    EnrolmentStep,
    MemberRole,
    OrganisationKind,
    PieceKind,
    Role,
)


def validate_siren(value: str) -> None:
    if not stdnum_siren.is_valid(value):
        raise ValidationError(f"SIREN invalide : {value}")


def validate_siret(value: str) -> None:
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError(f"SIRET invalide : {value}")


def validate_iban(value: str) -> None:
    if value and (problem := iban_problem(value)):
        raise ValidationError(problem)


def validate_bic(value: str) -> None:
    if value and not stdnum_bic.is_valid(value):
        raise ValidationError(f"BIC invalide : {value}")


class Organisation(models.Model):
    name = models.CharField("raison sociale", max_length=200)
    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validate_siren])
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    vat_liable = models.BooleanField("assujetti à la TVA", default=True)
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])
    psc_user_service_operator = models.BooleanField(
        "habilitation Pro Santé Connect « Opérateur de service utilisateur »", default=False
    )
    hosts_health_data = models.BooleanField("héberge des données de santé ou fournit un SaaS", null=True)
    hds_certificates = models.PositiveSmallIntegerField("certificats HDS joints", default=0)
    sworn_statement = models.BooleanField("déclaration sur l'honneur jointe", default=False)
    kind = models.CharField(
        "rôle du fournisseur", max_length=20, choices=OrganisationKind.choices, blank=True
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    postcode = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    # Set by a sign-up until its first administrator confirms their e-mail address; None once confirmed.
    pending_since = models.DateTimeField(
        "inscription en attente de confirmation depuis", null=True, blank=True
    )

    class Meta:
        verbose_name = "fournisseur"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.iban = stdnum_iban.compact(self.iban) if self.iban else ""
        self.bic = stdnum_bic.compact(self.bic) if self.bic else ""
        super().save(*args, **kwargs)

    @property
    def pending(self) -> bool:
        return self.pending_since is not None

    @property
    def supplier_kind(self) -> str:
        """Publisher or distributor: as declared at sign-up, else as the ANS registry shows it."""
        if self.kind:
            return self.kind
        return OrganisationKind.PUBLISHER if hasattr(self, "publisher") else OrganisationKind.DISTRIBUTOR


class Membership(models.Model):
    """One role of an account: a supplier member belongs to one organisation with a member role; an agent of
    the ASP or the ANS holds one row per staff role (granted through `roles.assign_role`). Saving a row checks
    the separation of duties (sons.suppliers.perms) against the account's other roles, whatever the path:
    admin, shell, fixtures, seed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    member_role = models.CharField(
        "rôle dans l'organisation", max_length=20, choices=MemberRole.choices, blank=True
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField("attribué le", default=timezone.now)

    class Meta:
        verbose_name = "rôle d'un utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role=Role.SUPPLIER_MEMBER, organisation__isnull=False)
                | (~models.Q(role=Role.SUPPLIER_MEMBER) & models.Q(organisation__isnull=True)),
                name="supplier_members_belong_to_an_organisation",
            ),
            models.CheckConstraint(
                condition=(models.Q(organisation__isnull=True) & models.Q(member_role=""))
                | (models.Q(organisation__isnull=False) & ~models.Q(member_role="")),
                name="member_role_within_an_organisation",
            ),
            models.UniqueConstraint(fields=["user", "role"], name="one_row_per_role"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role=Role.SUPPLIER_MEMBER),
                name="one_organisation_per_member",
            ),
        ]

    def save(self, *args, **kwargs):
        from .perms import check_separation

        check_separation(self.role, *self.other_roles())
        # A member added without a member role (fixtures, the demo) files dossiers: the middle role, not the
        # administrator's. Invitations and sign-ups always say which role they give.
        if self.organisation_id and not self.member_role:
            self.member_role = MemberRole.FILER
        super().save(*args, **kwargs)

    def other_roles(self) -> set[str]:
        if not self.user_id:
            return set()
        return set(
            Membership.objects.filter(user_id=self.user_id).exclude(pk=self.pk).values_list("role", flat=True)
        )

    def clean(self):
        from .perms import SeparationOfDuties, check_separation

        try:
            check_separation(self.role, *self.other_roles())
        except SeparationOfDuties as refused:
            raise ValidationError({"role": str(refused)}) from None


class Invitation(models.Model):
    """A single-use link, sent by e-mail, by which an organisation's administrator adds a member."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    member_role = models.CharField("rôle dans l'organisation", max_length=20, choices=MemberRole.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at", "-pk"]

    @property
    def open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class Enrolment(models.Model):
    """The enrolment request of §6.1: the online form (what the supplier declares) and its pieces."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="enrolment")
    state = models.CharField(
        "état", max_length=20, choices=EnrolmentState.choices, default=EnrolmentState.FILED
    )
    filed_on = models.DateField("déposée le")
    message = models.TextField("message de l'instructeur", blank=True)
    findings = models.JSONField("constats", default=list, encoder=DjangoJSONEncoder)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The online form. Empty on enrolments recorded before the form existed (the demo's, the fixtures').
    solution = models.ForeignKey(
        "registry.Solution", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="solution éditée ou distribuée",
    )  # fmt: skip
    hosts_health_data = models.BooleanField(
        "héberge des données de santé ou fournit un service SaaS", null=True, blank=True
    )
    psc_user_service_operator = models.BooleanField(
        "habilitation Pro Santé Connect « Opérateur de service utilisateur »", null=True, blank=True
    )
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)

    class Meta:
        verbose_name = "enrôlement"


class EnrolmentTransition(StepRecord):
    """Who moved an enrolment (or a change of its bank details) from one state to another, when and why
    (sons.lifecycle). The notifications read these rows: each is an event of the enrolment's lifecycle."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="transitions")
    bank_change = models.ForeignKey(
        "BankChange", null=True, blank=True, on_delete=models.PROTECT, related_name="transitions"
    )
    name = models.CharField("transition", max_length=50, choices=EnrolmentStep.choices)
    from_state = models.CharField("de", max_length=20, blank=True)
    to_state = models.CharField("vers", max_length=20)

    class Meta(StepRecord.Meta):
        verbose_name = "transition d'un enrôlement"


class BankChange(models.Model):
    """A change of bank details: a step of the enrolment, validated by the ASP before any payment uses it.
    Until then, payments go to the organisation's validated IBAN (`Organisation.iban`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bank_changes")
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11)
    state = models.CharField(
        "état", max_length=20, choices=BankChangeState.choices, default=BankChangeState.FILED
    )
    filed_at = models.DateTimeField("déposée le", default=timezone.now)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    reason = models.TextField("motif de la décision", blank=True)

    class Meta:
        verbose_name = "changement de coordonnées bancaires"
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(state="filed"), name="one_bank_change_at_a_time"
            )
        ]


class DocumentsStorage(FileSystemStorage):
    """The documents folder, outside the web root, read from the settings at each use (tests move it)."""

    @property
    def base_location(self):
        return settings.SONS_DOCUMENTS_DIR

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def piece_name(piece, filename: str) -> str:
    return f"enrolments/{piece.organisation_id}/{piece.sha256}.pdf"


class EnrolmentPiece(models.Model):
    """A PDF joined to the enrolment file or to a change of bank details."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pieces")
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="pieces"
    )
    bank_change = models.ForeignKey(
        BankChange, null=True, blank=True, on_delete=models.PROTECT, related_name="pieces"
    )
    kind = models.CharField("pièce", max_length=30, choices=PieceKind.choices)
    file = models.FileField(upload_to=piece_name, storage=DocumentsStorage(), max_length=255)
    name = models.CharField("nom du fichier", max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.CharField("déposée par", max_length=200)
    at = models.DateTimeField(default=timezone.now)
    # A piece replaced by a later upload stays, for the record, but no longer counts.
    replaced = models.BooleanField("remplacée", default=False)

    class Meta:
        verbose_name = "pièce d'enrôlement"
        ordering = ["kind", "at", "pk"]


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


TOKEN_LIFETIME = timedelta(days=365)


def token_expiry():
    return timezone.now() + TOKEN_LIFETIME


class ApiToken(models.Model):
    """A bearer token: for a supplier organisation's systems, or for a staff user (instructor, ANS…).

    Only the key's SHA-256 is stored (the key is shown once, when issued). A token expires (a year by
    default), and stops working at once when revoked or when its user, or the member who issued it for
    the organisation, is deactivated."""

    label = models.CharField("libellé", max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="émis par",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("expire le", default=token_expiry)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(user__isnull=False),
                name="token_has_an_owner",
            )
        ]

    @classmethod
    def issue(
        cls,
        label: str,
        *,
        organisation=None,
        user=None,
        created_by=None,
        lifetime: timedelta = TOKEN_LIFETIME,
    ) -> tuple["ApiToken", str]:
        """A new token and its clear key, shown once."""
        key = "sons_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            label=label, prefix=key[5:13], key_hash=hash_token(key), organisation=organisation, user=user,
            created_by=created_by, expires_at=timezone.now() + lifetime,
        )  # fmt: skip
        return token, key

    @property
    def state(self) -> str:
        if self.revoked:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"

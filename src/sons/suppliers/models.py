"""Suppliers (éditeurs, distributeurs), their members and API tokens, and their enrolment with the ASP (§6.1)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from sons.lifecycle import history_of

from .enums import EnrolmentState, Role


def validate_siren(value: str) -> None:
    if not stdnum_siren.is_valid(value):
        raise ValidationError(f"SIREN invalide : {value}")


def validate_siret(value: str) -> None:
    if value and not stdnum_siret.is_valid(value):
        raise ValidationError(f"SIRET invalide : {value}")


def validate_iban(value: str) -> None:
    if value and not stdnum_iban.is_valid(value):
        raise ValidationError(f"IBAN invalide : {value}")


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

    class Meta:
        verbose_name = "fournisseur"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.iban = stdnum_iban.compact(self.iban) if self.iban else ""
        self.bic = stdnum_bic.compact(self.bic) if self.bic else ""
        super().save(*args, **kwargs)


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "rôle d'un utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role=Role.SUPPLIER_MEMBER, organisation__isnull=False)
                | (~models.Q(role=Role.SUPPLIER_MEMBER) & models.Q(organisation__isnull=True)),
                name="supplier_members_belong_to_an_organisation",
            )
        ]


class Enrolment(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="enrolment")
    state = models.CharField(
        "état", max_length=20, choices=EnrolmentState.choices, default=EnrolmentState.FILED
    )
    filed_on = models.DateField("déposée le")
    message = models.TextField("message de l'instructeur", blank=True)
    findings = models.JSONField("constats", default=list, encoder=DjangoJSONEncoder)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "enrôlement"


EnrolmentTransition = history_of(Enrolment, EnrolmentState, "étape de l'enrôlement")


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

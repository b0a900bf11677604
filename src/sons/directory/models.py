"""The directory: RPPS professionals and the Base de référence of centres (AF §4.2), the de minimis register (§5.1)."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum

from sons.rules.calendar import add_months

from .enums import AidSource, CentreType, PracticeMode, Profession


def rules_profession():
    """The profession as the rules know it, in SQL: an IDE qualified in advanced practice is an IPA."""
    return models.Case(
        models.When(profession=Profession.IDE, is_ipa=True, then=models.Value(Profession.IPA.value)),
        default=models.F("profession"),
    )


class ProfessionalQuerySet(models.QuerySet):
    def with_rules_profession(self):
        return self.annotate(rules_profession=rules_profession())


class Professional(models.Model):
    rpps = models.CharField("n° RPPS", max_length=11, unique=True)
    last_name = models.CharField("nom d'exercice", max_length=200, blank=True)
    first_name = models.CharField("prénom d'exercice", max_length=200, blank=True)
    profession = models.CharField("profession", max_length=30, choices=Profession.choices)
    is_ipa = models.BooleanField("qualifié(e) en pratique avancée", default=False)
    practice = models.CharField("mode d'exercice", max_length=20, choices=PracticeMode.choices)
    registered_with_order = models.BooleanField("inscrit(e) à l'Ordre", null=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        verbose_name = "professionnel de santé"
        verbose_name_plural = "professionnels de santé"

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.rpps})".strip()

    @property
    def rules_profession(self) -> str:
        """The profession as the rules know it (in SQL: `rules_profession()`)."""
        if self.profession == Profession.IDE and self.is_ipa:
            return Profession.IPA
        return self.profession


class Centre(models.Model):
    finess_geo = models.CharField("n° FINESS géographique", max_length=9, unique=True)
    name = models.CharField("raison sociale", max_length=300, blank=True)
    tranche = models.CharField(
        "tranche de financement", max_length=1, blank=True, help_text="vide : hors Base de référence"
    )
    accord_national_2015 = models.BooleanField("signataire de l'accord national du 8 juillet 2015", null=True)
    staff_declared = models.BooleanField("effectifs déclarés à l'Assurance maladie", null=True)
    reference_staff = models.PositiveIntegerField("effectif de référence", null=True, blank=True)
    centre_type = models.CharField(
        "type de centre", max_length=20, blank=True, choices=CentreType.choices,
        help_text="vide : non relevé (la Base de référence ne liste que des centres de santé infirmiers)",
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "centre de santé infirmier"
        verbose_name_plural = "centres de santé infirmiers"

    def __str__(self):
        return f"{self.name} ({self.finess_geo})"


class DeMinimisAidQuerySet(models.QuerySet):
    def in_window(self, on: date, years: int):
        """Aids granted in the rolling window of `years` years that ends on `on`."""
        return self.filter(granted_on__gt=add_months(on, -12 * years), granted_on__lte=on)

    def total(self) -> Decimal:
        return self.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


class DeMinimisAid(models.Model):
    """An aid counted against the client's de minimis ceiling over a rolling three-year window."""

    client_key = models.CharField("client", max_length=20, db_index=True)
    amount = models.DecimalField("montant", max_digits=12, decimal_places=2)
    granted_on = models.DateField("date d'octroi")
    source = models.CharField("origine", max_length=20, choices=AidSource.choices)
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT)
    description = models.CharField("libellé", max_length=300, blank=True)

    objects = DeMinimisAidQuerySet.as_manager()

    class Meta:
        verbose_name = "aide de minimis"
        verbose_name_plural = "registre de minimis"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="de_minimis_amount_not_negative")
        ]

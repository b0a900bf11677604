"""The ANS registry: publishers, solutions and their major versions, distributors, obsolete versions."""

from django.db import models

from sons.lifecycle import history_of

from .enums import Market, Referencing


class Publisher(models.Model):
    name = models.CharField("raison sociale", max_length=200)
    organisation = models.OneToOneField(
        "suppliers.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="publisher",
        verbose_name="organisation fournisseur",
    )  # fmt: skip

    class Meta:
        verbose_name = "éditeur"

    def __str__(self):
        return self.name


class Solution(models.Model):
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="solutions")
    name = models.CharField("nom", max_length=200)
    market = models.CharField("commercialisation", max_length=20, choices=Market.choices, default=Market.OPEN)

    class Meta:
        verbose_name = "solution logicielle"
        constraints = [
            models.UniqueConstraint(fields=["publisher", "name"], name="solution_unique_per_publisher")
        ]

    def __str__(self):
        return self.name


class SolutionVersion(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField("version majeure", max_length=50)
    rank = models.PositiveIntegerField("rang (ordre des versions)", default=0)
    profiles = models.JSONField("profils", default=list)
    candidature_validated = models.BooleanField("candidature validée par l'ANS", default=False)
    complete_dossier_on = models.DateField("dépôt du dossier complet de preuves", null=True, blank=True)
    referencing = models.CharField(
        "référencement", max_length=20, choices=Referencing.choices, default=Referencing.PENDING
    )
    referenced_on = models.DateField("date de la décision de référencement", null=True, blank=True)
    withdrawn_on = models.DateField("date du retrait", null=True, blank=True)
    first_installations_on = models.DateField(
        "premières installations réussies publiées le", null=True, blank=True
    )

    class Meta:
        verbose_name = "version de solution"
        constraints = [
            models.UniqueConstraint(fields=["solution", "version"], name="version_unique_per_solution")
        ]

    def __str__(self):
        return f"{self.solution} {self.version}"


ReferencingTransition = history_of(
    SolutionVersion, Referencing, "décision de référencement", name="ReferencingTransition", subject="version"
)


class DistributorDeclaration(models.Model):
    """A distributor declared to the ANS by the publisher (§4.1), with its mandate."""

    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="distributors")
    distributor = models.ForeignKey(
        "suppliers.Organisation", on_delete=models.PROTECT, related_name="distributions"
    )
    mandate = models.BooleanField("mandat de l'éditeur", default=False)
    declared_on = models.DateField("déclaré le")

    class Meta:
        verbose_name = "déclaration de distributeur"
        constraints = [
            models.UniqueConstraint(
                fields=["solution", "distributor"], name="one_declaration_per_distributor"
            )
        ]


class ObsoleteVersion(models.Model):
    """A version declared obsolete by the publisher and accepted under the §4.3 rules (public list)."""

    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="obsolete_versions")
    version = models.CharField("version", max_length=50)
    rank = models.PositiveIntegerField("rang")
    end_announced_on = models.DateField("arrêt de commercialisation ou de maintenance rendu public le")
    latest_in_production_at_date_0 = models.CharField(
        "version la plus récente installée en production à la Date 0", max_length=50, blank=True
    )
    vague_1_version_rank = models.PositiveIntegerField("rang de la version référencée en vague 1", null=True)
    declared_on = models.DateField("déclarée le")

    class Meta:
        verbose_name = "version obsolète"
        constraints = [models.UniqueConstraint(fields=["solution", "version"], name="obsolete_version_once")]

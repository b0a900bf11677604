"""Recovery cases (AF §7): the ground, the amount, the dates of the formal notice and the repayment order, the
supplier's observations, the repayments. Where a recovery stands is the dossier's state (sons.dossiers.workflow)."""

from django.db import models
from django.db.models import Q

from .enums import RecoveryGround

MONEY = {"max_digits": 12, "decimal_places": 2}


class RecoveryCaseQuerySet(models.QuerySet):
    def visible_to(self, principal):
        """A supplier sees the cases of its own dossiers only (another's is then a 404), staff all."""
        if principal.is_supplier:
            return self.filter(dossier__supplier_id=principal.organisation_id)
        return self


class RecoveryCase(models.Model):
    # A dossier goes to recovery once (its recovery states are final): one case per dossier.
    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="recovery_case")
    ground = models.CharField("motif", max_length=40, choices=RecoveryGround.choices)
    amount = models.DecimalField("montant à reverser", **MONEY)
    opened_on = models.DateField("ouvert le")
    formal_notice_sent_on = models.DateField("mise en demeure adressée le", null=True)
    observations = models.TextField("observations du Fournisseur", blank=True)
    repayment_ordered_on = models.DateField("ordre de reversement le", null=True)
    closed_on = models.DateField("clos le", null=True)
    reason = models.TextField("motif de clôture", blank=True)

    objects = RecoveryCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de recouvrement"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="recovery_amount_not_negative"),
        ]


class Repayment(models.Model):
    """Money returned by the supplier: the ledger's other side."""

    case = models.ForeignKey(RecoveryCase, on_delete=models.PROTECT, related_name="repayments")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField("montant reversé", **MONEY)
    received_on = models.DateField("reçu le")

    class Meta:
        verbose_name = "reversement"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

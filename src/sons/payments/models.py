"""The ledger of payments to suppliers, grouped in batches (AF §6: 40 % advance, then the balance)."""

from django.db import models
from django.db.models import Q

from sons.lifecycle import history_of

from .enums import BatchState, PaymentKind, PaymentStatus

MONEY = {"max_digits": 12, "decimal_places": 2}


class PaymentBatch(models.Model):
    state = models.CharField("état", max_length=20, choices=BatchState.choices, default=BatchState.PREPARED)
    prepared_by = models.CharField("préparé par", max_length=200)
    prepared_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    total = models.DecimalField("total", default=0, **MONEY)
    # Fingerprint of the SEPA file as sent to the bank: a regenerated file must match it byte for byte.
    sepa_sha256 = models.CharField("empreinte SHA-256 du fichier SEPA transmis", max_length=64, blank=True)

    class Meta:
        verbose_name = "lot de paiement"


BatchTransition = history_of(
    PaymentBatch, BatchState, "étape d'un lot", name="BatchTransition", subject="batch"
)


class Payment(models.Model):
    """One request paid once: a non-rejected payment per dossier and kind, never more than its amount."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField("nature", max_length=20, choices=PaymentKind.choices)
    amount = models.DecimalField("montant", **MONEY)
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    status = models.CharField(
        "statut", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    booked_on = models.DateField("comptabilisé le", null=True)
    # The creditor as written in the SEPA file when the batch was sent (blank before): the bank paid this
    # account, and the file stays regenerable even if the supplier changes its bank details afterwards.
    creditor_name = models.CharField("bénéficiaire", max_length=70, blank=True)
    creditor_iban = models.CharField("IBAN du bénéficiaire", max_length=34, blank=True)
    creditor_bic = models.CharField("BIC du bénéficiaire", max_length=11, blank=True)

    class Meta:
        verbose_name = "paiement"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind"],
                condition=~Q(status=PaymentStatus.REJECTED),
                name="each_request_paid_once",
                violation_error_message="Cette demande est déjà payée ou en cours de paiement.",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

"""Webhook subscriptions of supplier organisations, one delivery per (event, subscription), and its attempts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .encryption import EncryptedSecretField
from .enums import AttemptKind, DeliveryState


class SubscriptionQuerySet(models.QuerySet):
    def of(self, organisation_id):
        return self.filter(organisation_id=organisation_id)


class Subscription(models.Model):
    """An organisation's endpoint: the events it wants, where, and the secret its deliveries are signed with.
    The secret is shown once, when the subscription is made or its secret rotated; it is kept, encrypted, to sign
    (never shown again). After a rotation, the previous secret signs too until `previous_secret_until` (the overlap,
    SONS_WEBHOOK_SECRET_OVERLAP); the nightly purge then forgets it."""

    organisation = models.ForeignKey(
        "suppliers.Organisation", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.CharField("adresse de réception", max_length=500)
    kinds = models.JSONField("événements", default=list)
    description = models.CharField("description", max_length=200, blank=True)
    # Encrypted in their columns (sons.webhooks.encryption: Fernet tokens under SONS_WEBHOOK_SECRET_KEYS), in clear
    # on the instance: a « whsec_… » secret of 50 characters makes a token of 164.
    secret = EncryptedSecretField("secret de signature", max_length=255)
    previous_secret = EncryptedSecretField("secret précédent", max_length=255, blank=True)
    previous_secret_until = models.DateTimeField("secret précédent valable jusqu'au", null=True, blank=True)
    active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disabled_at = models.DateTimeField("désactivée le", null=True, blank=True)
    disabled_reason = models.CharField("motif de désactivation", max_length=300, blank=True)
    last_success_at = models.DateTimeField("dernière livraison réussie", null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement webhook"
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "active"], name="webhook_subscription_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(previous_secret="", previous_secret_until__isnull=True)
                | (~Q(previous_secret="") & Q(previous_secret_until__isnull=False)),
                name="webhook_previous_secret_with_its_end",
                violation_error_message="Un secret précédent va avec la date de fin de sa validité, et "
                "inversement.",
            )
        ]

    def __str__(self):
        return f"{self.url} ({self.organisation_id})"

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…"

    def overlap_until(self, at=None):
        """The end of the previous secret's validity if it still signs at `at` (now by default), else None."""
        at = at or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > at:
            return self.previous_secret_until
        return None

    def signing_secrets(self, at=None) -> list[str]:
        """The secrets a delivery signed at `at` carries a signature of: the current one, then the previous
        one during the overlap that follows a rotation."""
        return [self.secret, self.previous_secret] if self.overlap_until(at) else [self.secret]


class Delivery(models.Model):
    """One event to one subscription: attempted until a 2xx answer, with backoff over 24 h."""

    event = models.ForeignKey(
        "notifications.Event", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(
        "état", max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField("essais", default=0)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True)
    delivered_at = models.DateTimeField("livrée le", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)

    class Meta:
        verbose_name = "livraison webhook"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="one_delivery_per_event_and_subscription"
            )
        ]
        indexes = [models.Index(fields=["subscription", "-id"], name="webhook_delivery_log")]

    def __str__(self):
        return f"évt {self.event_id} → abonnement {self.subscription_id} ({self.state})"


class Attempt(models.Model):
    """One HTTP attempt of a delivery, as the delivery log shows it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField("essai n°")
    at = models.DateTimeField("le")
    kind = models.CharField("issue", max_length=20, choices=AttemptKind.choices)
    status = models.PositiveIntegerField("statut HTTP", null=True, blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField("durée (ms)", default=0)
    answer = models.CharField("début de la réponse", max_length=500, blank=True)
    replay = models.BooleanField("relance manuelle", default=False)

    class Meta:
        verbose_name = "essai de livraison"
        ordering = ["delivery", "number"]

    @property
    def ok(self) -> bool:
        return self.kind == AttemptKind.OK

"""Events (what happened, to which organisation and dossier), the notifications they give each person concerned,
each person's choice of e-mails, and the reminders already sent."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .enums import Audience, Delivery, EventKind


class Event(models.Model):
    """One event, written in the transaction of the change it tells. Its id is stable and increasing: receivers
    drop duplicates by it (at-least-once delivery) and the change feed is a cursor over it."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField("nature", max_length=40, choices=EventKind.choices)
    audience = models.CharField(
        "destinataires", max_length=20, choices=Audience.choices, default=Audience.SUPPLIER
    )
    # The supplier organisation concerned (None: an event for the staff only). A supplier sees only its own.
    organisation = models.ForeignKey(
        "suppliers.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    payload = models.JSONField("contenu", default=dict, encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField("survenu le", db_index=True)

    class Meta:
        verbose_name = "événement"
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "id"], name="event_feed_order")]

    def __str__(self):
        return f"{self.get_kind_display()} (n° {self.pk})"

    @property
    def public_id(self) -> str:
        """The id receivers see (webhooks, feed, e-mail headers)."""
        return f"evt_{self.pk}"


class Notification(models.Model):
    """One event told to one person: shown in their notification centre, e-mailed at once or in their digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)
    digested_at = models.DateTimeField("reprise dans un récapitulatif le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-event_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]


class Preference(models.Model):
    """How a person wants their notifications by e-mail (no row: the default of their role)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    delivery = models.CharField(
        "courriels", max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    # The day of the last daily digest sent: a digest job run again the same day sends nothing twice.
    last_digest_on = models.DateField("dernier récapitulatif le", null=True, blank=True)

    class Meta:
        verbose_name = "préférence de notification"


class ReminderSent(models.Model):
    """A reminder given once per dossier, deadline and milestone (D−30, D−7…), even if the daily job runs twice."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="reminders")
    deadline = models.CharField("échéance", max_length=60)
    milestone = models.CharField("jalon", max_length=20)
    due_on = models.DateField("date de l'échéance")
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel envoyé"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "deadline", "milestone"], name="one_reminder_per_milestone"
            )
        ]

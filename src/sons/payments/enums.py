from django.db import models


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", "Avance"
    BALANCE = "balance", "Solde"


class BatchState(models.TextChoices):
    PREPARED = "prepared", "Préparé"
    SENT = "sent", "Transmis à la banque"
    CONFIRMED = "confirmed", "Confirmé"
    REJECTED = "rejected", "Rejeté"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "En cours"
    BOOKED = "booked", "Comptabilisé"
    REJECTED = "rejected", "Rejeté"

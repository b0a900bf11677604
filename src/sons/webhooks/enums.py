from django.db import models


class DeliveryState(models.TextChoices):
    PENDING = "pending", "En cours"
    DELIVERED = "delivered", "Livrée"
    FAILED = "failed", "Abandonnée après tous les essais"
    CANCELLED = "cancelled", "Annulée (abonnement désactivé)"


class AttemptKind(models.TextChoices):
    """How one attempt ended: only `ok` (a 2xx answer) is a success."""

    OK = "ok", "Réussi"
    HTTP_ERROR = "http_error", "Réponse d'erreur"
    REDIRECT = "redirect", "Redirection non suivie"
    TIMEOUT = "timeout", "Délai dépassé"
    TOO_LARGE = "too_large", "Réponse trop volumineuse"
    TLS_ERROR = "tls_error", "Échec TLS"
    CONNECTION_ERROR = "connection_error", "Échec de connexion"
    REFUSED_ADDRESS = "refused_address", "Adresse refusée"

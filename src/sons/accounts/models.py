"""A person's ProConnect identity, linked to their SONS account at their first ProConnect sign-in."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ProConnectIdentity(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proconnect")
    sub = models.CharField("identifiant ProConnect (sub)", max_length=255, unique=True)
    siret = models.CharField("SIRET déclaré par ProConnect", max_length=14, blank=True)
    linked_at = models.DateTimeField("lié le", default=timezone.now)
    last_sign_in = models.DateTimeField("dernière connexion", null=True, blank=True)

    class Meta:
        verbose_name = "identité ProConnect"

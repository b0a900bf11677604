"""What the portal keeps for its users: an instructor's saved views of the queue (filters by name)."""

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField("nom de la vue", max_length=100)
    query = models.CharField("filtres", max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vue enregistrée"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_unique_per_user")
        ]

    def __str__(self):
        return self.name

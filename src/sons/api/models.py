from django.db import models


class IdempotencyRecord(models.Model):
    """A POST already answered under an Idempotency-Key: a retry gets the same answer, creates nothing."""

    owner = models.CharField("émetteur", max_length=80)
    key = models.CharField("clé", max_length=200)
    fingerprint = models.CharField("empreinte de la requête", max_length=64)
    status = models.PositiveSmallIntegerField("statut HTTP", null=True)
    body = models.BinaryField("réponse", null=True)
    content_type = models.CharField(max_length=100, blank=True)
    # A confidential answer (e.g. a webhook's signing secret: sons.api.idempotency.confidential) is replayed only to
    # the caller who got it first (its token or session, hashed): another member of the organisation sending
    # the same key must not read it.
    caller = models.CharField("appelant (réponse confidentielle)", max_length=40, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "requête idempotente"
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once_per_owner")
        ]

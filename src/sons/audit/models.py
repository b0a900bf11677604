"""The audit journal's tables: the chained entries, and the head that serializes appends."""

from django.db import models

from .chain import GENESIS_HASH
from .errors import AppendOnlyError

# The head is a single row; its fixed key is also what appends lock.
HEAD_PK = 1

_APPEND_ONLY = (
    "Le journal d'audit est en ajout seul : ses entrées ne peuvent être ni modifiées ni supprimées."
)
_USE_JOURNAL = (
    "Une entrée du journal d'audit se crée par sons.audit.journal.record() ou record_many(), "
    "qui la chaînent à la précédente."
)


class AuditEntryQuerySet(models.QuerySet):
    """Refuses in bulk what the model refuses one by one."""

    def update(self, **kwargs):
        raise AppendOnlyError(_APPEND_ONLY)

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused here rather than in the update() it calls, which runs inside an atomic block and would
        # leave the caller's transaction unusable.
        raise AppendOnlyError(_APPEND_ONLY)

    def delete(self):
        raise AppendOnlyError(_APPEND_ONLY)

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError(_USE_JOURNAL)

    def append_chained(self, entries: list["AuditEntry"], *, batch_size: int) -> list["AuditEntry"]:
        """Inserts entries already chained under the head's lock: for sons.audit.journal only."""
        return super().bulk_create(entries, batch_size=batch_size)


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField("numéro d'ordre", unique=True)
    at = models.DateTimeField("horodatage")
    actor = models.CharField("acteur", max_length=150)
    action = models.CharField("action", max_length=100)
    target_type = models.CharField("type de la cible", max_length=100, blank=True)
    target_id = models.CharField("identifiant de la cible", max_length=100, blank=True)
    payload = models.JSONField("données", default=dict, blank=True)
    prev_hash = models.CharField("empreinte précédente", max_length=64)
    hash = models.CharField("empreinte", max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "entrées du journal d'audit"
        # The history of one dossier (or payment, …) is the usual question asked of the journal.
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_entry_target_idx")]

    def __str__(self):
        return f"n° {self.seq} — {self.action} ({self.actor})"

    def save(self, *args, **kwargs):
        raise AppendOnlyError(_USE_JOURNAL if self._state.adding else _APPEND_ONLY)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_APPEND_ONLY)


class AuditHead(models.Model):
    """The last entry's seq and hash, in one row.

    Appends lock it (SELECT … FOR UPDATE), which serializes them; and since it moves in the same transaction
    as the entries, verification compares it with the last entry to detect a truncated tail.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_PK, editable=False)
    seq = models.PositiveBigIntegerField("dernier numéro d'ordre", default=0)
    hash = models.CharField("dernière empreinte", max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "tête du journal d'audit"
        verbose_name_plural = "tête du journal d'audit"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=HEAD_PK), name="audit_head_is_single_row")
        ]

    def __str__(self):
        return f"Tête du journal d'audit : entrée n° {self.seq}"

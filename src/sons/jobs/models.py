"""The queue's own bookkeeping next to django-tasks' job rows: who is alive, and the periodic jobs' state."""

from django.db import models


class WorkerBeat(models.Model):
    """A live worker (or a lock holder outside a worker): its row is refreshed every few seconds and deleted
    when it stops. A job claimed by a worker whose beat is stale is put back in the queue (worker killed)."""

    worker_id = models.CharField("travailleur", max_length=64, primary_key=True)
    host = models.CharField("machine", max_length=255)
    pid = models.PositiveIntegerField("processus")
    started_at = models.DateTimeField("démarré le")
    seen_at = models.DateTimeField("vu le", db_index=True)

    class Meta:
        verbose_name = "travailleur"


class PeriodicJob(models.Model):
    """One row per entry of the schedule: when it is next due, and the lock that keeps two runs apart."""

    name = models.CharField("travail", max_length=64, primary_key=True)
    next_run_at = models.DateTimeField("prochaine exécution")
    last_enqueued_at = models.DateTimeField("dernière mise en file", null=True)
    last_started_at = models.DateTimeField("dernier début", null=True)
    last_finished_at = models.DateTimeField("dernière fin", null=True)
    last_outcome = models.CharField("dernier résultat", max_length=20, blank=True)
    running_by = models.CharField("en cours sur", max_length=64, blank=True)
    running_since = models.DateTimeField("en cours depuis", null=True)

    class Meta:
        verbose_name = "travail périodique"

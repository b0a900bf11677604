"""The periodic jobs. Each runs under its lock (`locks.exclusive`): a second run finding the first still
going says so in one line and returns; each is idempotent, so a run retried after a lost worker is harmless."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task

from .locks import AlreadyRunning, exclusive

logger = logging.getLogger("sons.jobs")

FINISHED_JOBS_KEPT_DAYS = 30


def periodic(name: str, body) -> str:
    """Run `body(out)` alone; its report (what it wrote to `out`) is logged and kept as the job's result."""
    out = io.StringIO()
    try:
        with exclusive(name):
            body(out)
    except AlreadyRunning as busy:
        logger.info(str(busy))
        return str(busy)
    report = out.getvalue().strip()
    logger.info("Travail périodique « %s » terminé : %s", name, report.replace("\n", " | ")[:2000])
    return report


@task()
def deadlines() -> str:
    return periodic("deadlines", lambda out: call_command("deadlines", stdout=out))


@task()
def dashboards() -> str:
    return periodic("dashboards", lambda out: call_command("dashboards", stdout=out))


def purge_old_rows(out) -> None:
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from sons.api.idempotency import purge_idempotency

    from .models import WorkerBeat

    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    keys = purge_idempotency()  # older than SONS_IDEMPOTENCY_HOURS (24 h)
    jobs, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=now - timedelta(FINISHED_JOBS_KEPT_DAYS))
        .delete()
    )
    beats, _ = WorkerBeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    out.write(f"{sessions} session(s) expirée(s), {keys} clé(s) d'idempotence de plus de 24 h, {jobs} travail(aux) "
              f"terminé(s) depuis plus de {FINISHED_JOBS_KEPT_DAYS} jours, {beats} travailleur(s) disparu(s) "
              "supprimés.\n")  # fmt: skip
    from sons.exports.jobs import purge_old_files

    purge_old_files(out)
    from sons.webhooks.deliveries import maintain_deliveries

    maintain_deliveries(out)


@task()
def purge() -> str:
    return periodic("purge", purge_old_rows)


def refresh_rpps(out) -> None:
    path = settings.SONS_RPPS_PATH
    if not path:
        out.write("SONS_RPPS_PATH non défini : actualisation de l'annuaire RPPS ignorée.\n")
        return
    call_command("import_directory", "rpps", path, "--apply", stdout=out)


@task()
def rpps() -> str:
    return periodic("rpps", refresh_rpps)


def give_reminders(out) -> None:
    from sons.dossiers.reminders import send_reminders

    send_reminders(out=out)


@task()
def reminders() -> str:
    return periodic("reminders", give_reminders)


def send_digests(out) -> None:
    from sons.dossiers.reminders import instructor_queue
    from sons.notifications.delivery import ASP_INSTRUCTOR, send_digests

    queue = instructor_queue()

    def extra(user):
        return queue if user.memberships.filter(role=ASP_INSTRUCTOR).exists() else []

    out.write(f"{send_digests(extra=extra)} récapitulatif(s) quotidien(s) envoyé(s).\n")


@task()
def digests() -> str:
    return periodic("digests", send_digests)

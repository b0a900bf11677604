"""Large exports become jobs: past ROWS_IN_REQUEST rows, the file is written by a job worker into the private
storage "documents" (under exports/), and the page (or the API) offers it when ready.

A 250 000-row XLSX takes about a minute: inside a request it outlived gunicorn's timeout. The job is enqueued
in the request's transaction; its arguments name the export, its filters and who asked, and only that user can
fetch the file. Files are removed by the daily purge (sons.jobs.tasks) after FILES_KEPT.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus

from sons.jobs import enqueue, get_result

from . import TABLES, csv_chunks, filtered, write_xlsx
from .responses import XLSX

logger = logging.getLogger("sons.exports")
FILES_KEPT = timedelta(days=1)
FOLDER = "exports"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
STATUS_LABELS = {
    TaskResultStatus.READY: "en attente",
    TaskResultStatus.RUNNING: "en cours",
    TaskResultStatus.SUCCESSFUL: "prêt",
    TaskResultStatus.FAILED: "échec",
}


def rows_in_request() -> int:
    return settings.SONS_EXPORT_ROWS_IN_REQUEST


def storage():
    from django.core.files.storage import storages

    return storages["documents"]


def file_name(table_name: str, extension: str, at: datetime) -> str:
    return f"sons-{table_name}-{timezone.localtime(at).strftime('%Y%m%d-%H%M')}.{extension}"


def too_large(name: str, params) -> bool:
    """Whether the export has more rows than a request may write (raises BadFilter like the export)."""
    return filtered(TABLES[name], params)[: rows_in_request() + 1].count() > rows_in_request()


def enqueue_export(name: str, extension: str, params, user_id: int) -> str:
    """The job's id; the job row is committed by this transaction. `params`: a mapping or (name, value) pairs,
    as the export takes them."""
    pairs = params.items() if isinstance(params, Mapping) else params
    with transaction.atomic():
        return enqueue(build_export, name, extension, [list(p) for p in pairs], user_id).id


@task(queue_name="exports", takes_context=True)
def build_export(context, name: str, extension: str, params: list, user_id: int) -> dict:
    table = TABLES[name]
    queryset = filtered(table, [tuple(p) for p in params])
    stored = f"{FOLDER}/{context.task_result.id}.{extension}"
    with tempfile.TemporaryFile() as out:
        if extension == "csv":
            for chunk in csv_chunks(table, queryset):
                out.write(chunk.encode("utf-8"))
        else:
            write_xlsx(table, queryset, out)
        out.seek(0)
        target = storage()
        if target.exists(stored):  # a retried job writes its file again
            target.delete(stored)
        target.save(stored, File(out))
    logger.info("Export %s.%s écrit en fichier (%s)", name, extension, stored)
    return {"file": stored, "filename": file_name(table.name, extension, timezone.now())}


@dataclass(frozen=True)
class ExportJob:
    id: str
    status: str
    label: str
    filename: str | None
    stored: str | None
    extension: str

    @property
    def ready(self) -> bool:
        return self.status == TaskResultStatus.SUCCESSFUL

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def export_job(job_id: str, user_id: int) -> ExportJob | None:
    """The export job `job_id` if it is one and `user_id` asked for it; None otherwise (a 404)."""
    try:
        result = get_result(job_id)
    except Exception:  # not a job id at all
        return None
    if result is None or result.task.func is not build_export.func or result.args[3] != user_id:
        return None
    value = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None
    return ExportJob(
        id=str(result.id), status=result.status, label=STATUS_LABELS[result.status],
        filename=value and value["filename"], stored=value and value["file"], extension=result.args[1],
    )  # fmt: skip


def purge_old_files(out) -> None:
    target = storage()
    if not target.exists(FOLDER):
        return
    cutoff = timezone.now() - FILES_KEPT
    removed = 0
    for name in target.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if target.get_modified_time(path) < cutoff:
            target.delete(path)
            removed += 1
    out.write(f"{removed} fichier(s) d'export de plus de 24 h supprimé(s).\n")

"""The check of an uploaded order or invoice, run by a job worker: its text read in a child process under a
time and a memory limit (`extract`), then its mandatory mentions and amount sought (`checks.check_text`).
Idempotent: a check retried after a lost worker does the same again."""

from __future__ import annotations

import logging

from django_tasks import task

from sons.dossiers.enums import DocumentCheck
from sons.dossiers.models import Document

from .checks import check_text, timed_out
from .extract import TextUnavailable, read_text_limited
from .storage import documents_storage

logger = logging.getLogger("sons.documents")


@task(queue_name="documents")
def check_document(document_id: int) -> str:
    document = Document.objects.select_related("dossier").filter(pk=document_id).first()
    if document is None or document.check_state != DocumentCheck.PENDING:
        return "rien à contrôler"
    with documents_storage().open(document.path, "rb") as file:
        content = file.read()
    try:
        text = read_text_limited(content)
    except TextUnavailable as unavailable:
        logger.warning("Pièce %s : texte illisible dans le temps imparti (%s)", document.pk, unavailable)
        findings, state = timed_out(document.kind), DocumentCheck.TIMED_OUT
    else:
        findings, state = check_text(document.kind, document.dossier, text), DocumentCheck.DONE
    Document.objects.filter(pk=document.pk, check_state=DocumentCheck.PENDING).update(
        findings=findings, check_state=state
    )
    return f"{len(findings)} constat(s)"

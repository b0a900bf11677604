"""The dossier's thread on its page (templates/portal/dossier/_thread.html, _completion.html): messages with a
PDF, read receipts, the open completion request at the top, the instructors' internal notes (a supplier gets a
404 on their form and never sees them)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sons.documents.store import store_uploaded_file
from sons.dossiers import thread
from sons.dossiers.enums import DocumentKind
from sons.dossiers.scoping import dossier_or_404
from sons.errors import Refused
from sons.notifications import centre
from sons.suppliers.enums import Role

from ..access import role_required

EVERYONE = (Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT)


def thread_context(dossier, principal) -> dict:
    """What the dossier's page shows of its thread; opening it reads the other side's messages (receipts) and
    the viewer's notifications about this dossier."""
    thread.mark_read(principal, dossier)
    centre.mark_dossier_read(principal, dossier.pk)
    messages_ = list(thread.messages_of(dossier))
    return {
        "thread": messages_,
        "open_request": thread.open_request(dossier, messages_),
        "notes": thread.notes_of(dossier, principal),
        "can_write": principal.may(*thread.WRITERS),
        "can_note": not principal.is_supplier and principal.holds(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT),
    }


@role_required(*EVERYONE)
@require_POST
def post_message(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    upload = request.FILES.get("file")
    try:
        with transaction.atomic():
            document = None
            if upload is not None:
                document = store_uploaded_file(dossier, DocumentKind.OTHER, upload, request.principal.label)
            thread.post(request.principal, dossier, request.POST.get("message", ""), document=document)
    except Refused as refused:
        label = "Pièce jointe" if refused.field == "file" else "Message"
        messages.error(request, f"{label} : {refused.message}")
    else:
        messages.success(request, "Message envoyé.")
    return redirect("portal:dossier", dossier_id=dossier_id)


@role_required(*EVERYONE)
@require_POST
def post_note(request, dossier_id: int):
    if request.principal.is_supplier:
        raise Http404("Page introuvable.")
    dossier = dossier_or_404(request.principal, dossier_id)
    try:
        thread.write_note(request.principal, dossier, request.POST.get("note", ""))
    except Refused as refused:
        messages.error(request, f"Note interne : {refused.message}")
    else:
        messages.success(request, "Note interne enregistrée (invisible du fournisseur).")
    return redirect("portal:dossier", dossier_id=dossier_id)

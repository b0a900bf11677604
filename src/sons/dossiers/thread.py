"""A dossier's thread between its supplier and the ASP: messages (with at most one PDF, stored and checked as
every piece is, by sons.documents.store, before it is handed here), read receipts, completion requests with the
day an answer is expected (the open one is shown at the top of the dossier's page), and the instructors'
internal notes, a model of their own (`Note`) that no supplier's page, API answer or export reads.

Each message posted tells the other side (sons.notifications: « nouveau message »), in its transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sons.audit.journal import record
from sons.errors import Invalid, NotFound
from sons.notifications.enums import Audience, EventKind
from sons.notifications.events import record_event
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import DossierState as S
from .enums import MessageKind
from .models import Dossier, Message, Note

MAX_MESSAGE = 5000
WRITERS = (Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
TO_COMPLETE = (S.ADVANCE_TO_COMPLETE, S.BALANCE_TO_COMPLETE)


def messages_of(dossier: Dossier):
    return dossier.messages.select_related("document").order_by("at", "pk")


def open_request(dossier: Dossier, messages: list[Message] | None = None) -> Message | None:
    """The completion request waiting for the supplier's answer (the dossier is « à compléter »), or None;
    read from `messages` (the thread, in order) when the caller holds them."""
    if dossier.state not in TO_COMPLETE:
        return None
    if messages is not None:
        return next((m for m in reversed(messages) if m.kind == MessageKind.COMPLETION_REQUEST), None)
    return dossier.messages.filter(kind=MessageKind.COMPLETION_REQUEST).order_by("-at", "-pk").first()


def notes_of(dossier: Dossier, principal: Principal) -> list[Note]:
    """The internal notes: an agent's reading only (a supplier gets nothing, ever)."""
    if principal.is_supplier:
        return []
    return list(dossier.internal_notes.order_by("at", "pk"))


def _text(body: str, field: str = "message") -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("Le message est vide : écrivez votre message.", field)
    if len(body) > MAX_MESSAGE:
        raise Invalid(f"Le message dépasse {MAX_MESSAGE} caractères.", field)
    return body


def post(principal: Principal, dossier: Dossier, body: str, *, document=None) -> Message:
    """A message of the thread (the supplier to the ASP or the reverse), with its PDF when one was stored."""
    principal.require(*WRITERS)
    if principal.is_supplier and dossier.supplier_id != principal.organisation_id:
        raise NotFound("Dossier introuvable.")
    body = _text(body)
    if document is not None and document.dossier_id != dossier.pk:
        raise Invalid("La pièce jointe n'est pas une pièce de ce dossier.", "file")
    with transaction.atomic():
        message = Message.objects.create(
            dossier=dossier, kind=MessageKind.MESSAGE, author_label=principal.label, author=principal.user,
            body=body, from_supplier=principal.is_supplier, document=document,
        )  # fmt: skip
        record("dossier.message", actor=principal.label, target=dossier,
               payload={"message": message.pk, "document": document.pk if document else None})  # fmt: skip
        record_event(
            EventKind.MESSAGE_RECEIVED, organisation=dossier.supplier_id, dossier=dossier,
            audience=Audience.INSTRUCTORS if principal.is_supplier else Audience.SUPPLIER,
            payload={"dossier_id": dossier.pk, "message_id": message.pk, "author": principal.label,
                     "excerpt": body[:200], "attachment": document.name if document else None},
        )  # fmt: skip
    return message


def write_note(principal: Principal, dossier: Dossier, body: str) -> Note:
    """An internal note of the ASP (instructors and paying agents); a supplier is refused as if it did not exist."""
    if principal.is_supplier:
        raise NotFound("Page introuvable.")
    principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    body = _text(body, "note")
    with transaction.atomic():
        note = Note.objects.create(
            dossier=dossier, author=principal.user, author_label=principal.label, body=body
        )
        record("dossier.note", actor=principal.label, target=dossier, payload={"note": note.pk})
    return note


def mark_read(principal: Principal, dossier: Dossier) -> int:
    """The viewer opened the thread: the other side's messages not yet read get their receipt."""
    if principal.is_supplier:
        unread = dossier.messages.filter(from_supplier=False, read_at__isnull=True)
    elif principal.holds(*WRITERS):
        unread = dossier.messages.filter(from_supplier=True, read_at__isnull=True)
    else:
        return 0
    return unread.update(read_at=timezone.now(), read_by=principal.label[:200])

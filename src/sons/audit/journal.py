"""Recording in the audit journal, and verifying it.

Every entry's hash covers the previous entry's hash, so altering, removing or inserting an entry breaks the
chain from that point on. Appends are serialized by locking the single head row (SELECT … FOR UPDATE) for
the rest of the caller's transaction: the next append waits, then chains to the committed head. The entries
and the head therefore commit, or roll back, together with the change they describe.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models
from django.utils import timezone

from .chain import canonical_payload, hash_of
from .errors import HeadMissingError, OutsideTransactionError
from .models import HEAD_PK, AuditEntry, AuditHead
from .verification import verify_journal

SYSTEM_ACTOR = "système"
# Rows per INSERT: bulk filings record thousands of entries; this bounds the size of each statement.
BULK_BATCH_SIZE = 1000

Actor = AbstractBaseUser | str | None
Target = models.Model | tuple[str, Any] | None


@dataclass(frozen=True, slots=True)
class _Draft:
    """An entry validated and canonicalised, before the lock gives it its place in the chain."""

    action: str
    actor: str
    target_type: str
    target_id: str
    payload: dict[str, Any]
    at: dt.datetime | None


def record(
    action: str,
    *,
    actor: Actor = None,
    target: Target = None,
    payload: dict | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Appends one entry; must run inside transaction.atomic()."""
    (entry,) = record_many(
        [{"action": action, "actor": actor, "target": target, "payload": payload, "at": at}]
    )
    return entry


def record_many(items: Iterable[Mapping[str, Any]]) -> list[AuditEntry]:
    """Appends entries in order, with one lock, one bulk insert and one head update.

    Each item has record()'s arguments as keys. The chain is the one successive record() calls would give.
    """
    _require_transaction()
    # Everything that can be refused is checked before taking the lock, which other appends wait for.
    drafts = [_draft(**item) for item in items]
    if not drafts:
        return []
    head = _lock_head()
    # Taken under the lock, so that default timestamps follow the order of the chain.
    now = timezone.now()
    seq, prev_hash = head.seq, head.hash
    entries = []
    for draft in drafts:
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=draft.at or now,
            actor=draft.actor,
            action=draft.action,
            target_type=draft.target_type,
            target_id=draft.target_id,
            payload=draft.payload,
            prev_hash=prev_hash,
        )
        entry.hash = prev_hash = hash_of(entry)
        entries.append(entry)
    AuditEntry.objects.append_chained(entries, batch_size=BULK_BATCH_SIZE)
    AuditHead.objects.filter(pk=HEAD_PK).update(seq=seq, hash=prev_hash)
    return entries


def verify() -> list[str]:
    """The journal's problems, in French, one per problem; an empty list means the journal is intact."""
    return verify_journal().problems


def _require_transaction() -> None:
    # Outside a transaction the head's lock would be released at once, and the entry could commit while
    # the change it describes rolls back.
    if not connection.in_atomic_block:
        raise OutsideTransactionError(
            "Le journal d'audit s'écrit dans une transaction (transaction.atomic()), "
            "avec le changement que l'entrée décrit."
        )


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # First append ever (or after a test flush). ON CONFLICT DO NOTHING makes concurrent first appends
        # wait for each other instead of failing on the primary key.
        AuditHead.objects.bulk_create([AuditHead(pk=HEAD_PK)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=HEAD_PK)
    if head.seq == 0 and AuditEntry.objects.exists():
        raise HeadMissingError(
            "La tête du journal d'audit a disparu alors que des entrées existent : "
            "aucun ajout n'est possible avant examen (commande audit_verify)."
        )
    return head


def _draft(
    action: str,
    actor: Actor = None,
    target: Target = None,
    payload: dict | None = None,
    at: dt.datetime | None = None,
) -> _Draft:
    if not isinstance(action, str) or not action:
        raise ValueError(f"Action d'audit invalide : {action!r}.")
    if at is not None:
        if not isinstance(at, dt.datetime) or timezone.is_naive(at):
            raise ValueError(f"L'horodatage d'une entrée d'audit est une date-heure avec fuseau : {at!r}.")
        # Stored in UTC by the database; kept in UTC here so that the returned entry hashes as the stored one.
        at = at.astimezone(dt.UTC)
    target_type, target_id = _target_reference(target)
    draft = _Draft(
        action=action,
        actor=_actor_name(actor),
        target_type=target_type,
        target_id=target_id,
        payload=canonical_payload(payload),
        at=at,
    )
    for field in ("action", "actor", "target_type", "target_id"):
        _check_length(field, getattr(draft, field))
    return draft


def _actor_name(actor: Actor) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    if isinstance(actor, AbstractBaseUser):
        return actor.get_username()
    if isinstance(actor, str) and actor:
        return str.__str__(actor)
    raise TypeError(f"Acteur d'audit invalide : {actor!r} (un utilisateur, un nom, ou None pour le système).")


def _target_reference(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError(f"La cible d'une entrée d'audit doit être enregistrée : {target!r}.")
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple) and len(target) == 2:
        target_type, target_id = target
        return str(target_type), str(target_id)
    raise TypeError(f"Cible d'audit invalide : {target!r} (un objet enregistré ou un couple (type, id)).")


def _check_length(field: str, value: str) -> None:
    # SQLite would store an overlong value that PostgreSQL refuses: refuse it everywhere, with a clear message.
    max_length = AuditEntry._meta.get_field(field).max_length
    if len(value) > max_length:
        raise ValueError(
            f"« {field} » dépasse {max_length} caractères dans le journal d'audit : {value[:40]}…"
        )

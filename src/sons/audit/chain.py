"""The hash chain: how an entry's content is canonicalised and hashed.

Pure functions, without the database, so that recording and verification cannot drift apart: both go
through `entry_hash`.
"""

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

# The prev_hash of the first entry: nothing precedes it.
GENESIS_HASH = "0" * 64


def canonical_payload(payload: dict | None) -> dict[str, Any]:
    """The payload as plain JSON values, identical before storage and after reading it back."""
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise TypeError(
            f"Les données d'une entrée d'audit sont un dictionnaire, pas {type(payload).__name__}."
        )
    return _canonical(payload)


def _canonical(value: Any) -> Any:
    # bool before int: bool is an int subclass and must stay true/false in JSON.
    if value is None or isinstance(value, bool):
        return value
    # Enum members (TextChoices, IntegerChoices) become their plain value, so that the stored JSON and the
    # hashed JSON cannot differ by a subclass's __str__ or __repr__.
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, float):
        # A JSONB column does not keep a float's spelling (1e+20 comes back as 100000000000000000000), so
        # the hash would no longer match; amounts are Decimal anyway.
        raise TypeError(f"Valeur flottante refusée dans le journal d'audit ({value!r}) : utilisez Decimal.")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Montant non fini refusé dans le journal d'audit : {value}.")
        return str(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {_canonical_key(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    raise TypeError(f"Valeur non enregistrable dans le journal d'audit : {value!r} ({type(value).__name__}).")


def _canonical_key(key: Any) -> str:
    # JSON would turn 1 into "1" silently, and {1: …, "1": …} would then collide.
    if not isinstance(key, str):
        raise TypeError(f"Clé non textuelle refusée dans le journal d'audit : {key!r}.")
    return str.__str__(key)


def utc_isoformat(at: dt.datetime) -> str:
    """The timestamp as hashed: in UTC, which is how the database gives it back whatever zone it came in."""
    if at.tzinfo is None:
        raise ValueError(
            f"L'horodatage d'une entrée d'audit doit porter un fuseau horaire : {at.isoformat()}."
        )
    return at.astimezone(dt.UTC).isoformat()


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    payload: dict[str, Any],
) -> str:
    """SHA-256 (hex) of the previous hash followed by the entry's canonical JSON."""
    content = {
        "seq": seq,
        "at": utc_isoformat(at),
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "payload": payload,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def hash_of(entry) -> str:
    """The hash an entry (anything with the entry's attributes) must carry, given its prev_hash."""
    return entry_hash(
        entry.prev_hash,
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        payload=entry.payload,
    )

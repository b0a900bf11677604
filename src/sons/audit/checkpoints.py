"""Signed checkpoints of the audit journal, kept outside the database.

The hash chain shows that the journal was changed, unless whoever changed it recomputed the hashes after the
change, or cut the tail and moved the head back: the chain and its head live in the same database. Each day,
`sons audit checkpoint` writes the head (its seq and hash) to a file in SONS_AUDIT_CHECKPOINT_DIR, signed with
HMAC-SHA256 under SONS_AUDIT_KEY, a key that is not in the database. `sons audit verify` then checks that
every checkpointed entry still exists with the same hash and that the head never went back past one:
rewriting, truncating or rewinding the journal before the last checkpoint is detected. (Entries recorded since
the last checkpoint are protected by the chain alone, until the next one.)

A checkpoint is written only over a journal that verifies, checkpoints included: a journal tampered with is
never signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import AuditEntry, AuditHead


class CheckpointRefused(Exception):
    """The journal does not verify: no checkpoint is signed over it."""

    def __init__(self, problems: list[str]):
        super().__init__("Journal d'audit compromis : aucun point de contrôle n'est signé.")
        self.problems = problems


@dataclass(frozen=True)
class Checkpoint:
    day: dt.date
    seq: int
    hash: str
    signed_at: str
    signature: str
    path: Path

    @property
    def label(self) -> str:
        return f"Point de contrôle du {self.day:%d/%m/%Y} (entrée n° {self.seq})"


def folder() -> Path:
    return Path(settings.SONS_AUDIT_CHECKPOINT_DIR)


def sign(day: dt.date, seq: int, head_hash: str) -> str:
    message = f"sons-audit-checkpoint\n{day.isoformat()}\n{seq}\n{head_hash}".encode()
    return hmac.new(settings.SONS_AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def read_all() -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints whose signature holds, oldest first; and a problem for each one that does not."""
    found, problems = [], []
    if not folder().is_dir():
        return found, problems
    for path in sorted(folder().glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            checkpoint = Checkpoint(dt.date.fromisoformat(data["day"]), int(data["seq"]), str(data["hash"]),
                                    str(data["signed_at"]), str(data["hmac"]), path)  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"Point de contrôle illisible : {path.name}.")
            continue
        expected = sign(checkpoint.day, checkpoint.seq, checkpoint.hash)
        if not hmac.compare_digest(expected, checkpoint.signature):
            problems.append(
                f"{checkpoint.label} : signature invalide (fichier {path.name} falsifié, ou clé changée)."
            )
            continue
        found.append(checkpoint)
    found.sort(key=lambda c: (c.seq, c.day))
    return found, problems


def problems_against(checkpoints: list[Checkpoint], head: AuditHead | None) -> list[str]:
    """What the database says against the signed checkpoints."""
    problems = []
    wanted = [c for c in checkpoints if c.seq > 0]
    stored = dict(AuditEntry.objects.filter(seq__in={c.seq for c in wanted}).values_list("seq", "hash"))
    for checkpoint in wanted:
        current = stored.get(checkpoint.seq)
        if current is None:
            problems.append(
                f"{checkpoint.label} : cette entrée n'existe plus dans la base (journal tronqué)."
            )
        elif current != checkpoint.hash:
            problems.append(
                f"{checkpoint.label} : son empreinte a changé (journal réécrit jusqu'à cette entrée au moins)."
            )
    if checkpoints:
        last = checkpoints[-1]
        head_seq = head.seq if head is not None else 0
        if head_seq < last.seq:
            problems.append(
                f"Tête du journal reculée : elle désigne l'entrée n° {head_seq}, en deçà du "
                f"{last.label.lower()}."
            )
    return problems

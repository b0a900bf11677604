"""Writing the day's signed checkpoint (`sons audit checkpoint`): only over a journal that verifies, its
checkpoints included, so that a journal tampered with is never signed (sons.audit.checkpoints)."""

from __future__ import annotations

import datetime as dt
import json
import os

from django.utils import timezone

from .checkpoints import Checkpoint, CheckpointRefused, folder, sign
from .models import HEAD_PK, AuditHead
from .verification import verify_journal


def write(day: dt.date | None = None) -> Checkpoint:
    """Signs today's head into SONS_AUDIT_CHECKPOINT_DIR (replacing today's earlier checkpoint, if any)."""
    report = verify_journal()
    if report.problems:
        raise CheckpointRefused(report.problems)
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    seq, head_hash = (head.seq, head.hash) if head is not None else (0, "0" * 64)
    day = day or timezone.localdate()
    signed_at = timezone.now().isoformat()
    data = {"day": day.isoformat(), "seq": seq, "hash": head_hash, "signed_at": signed_at,
            "hmac": sign(day, seq, head_hash)}  # fmt: skip
    folder().mkdir(parents=True, exist_ok=True)
    path = folder() / f"{day.isoformat()}.json"
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)  # never half a checkpoint
    return Checkpoint(day, seq, head_hash, signed_at, data["hmac"], path)

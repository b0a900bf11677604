"""Signed checkpoints outside the database: rewriting the chain (hashes recomputed after changing an amount),
truncating it, moving its head back, or forging a checkpoint are all detected (SQLite and PostgreSQL); on
PostgreSQL the application's role cannot switch the append-only triggers off."""

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from sons.audit import checkpoints, signing
from sons.audit.chain import hash_of
from sons.audit.journal import verify
from sons.audit.models import AuditEntry, AuditHead
from tests.audit.test_journal import TABLE, record_chain, tampering

pytestmark = pytest.mark.django_db


def checkpoint() -> checkpoints.Checkpoint:
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "Point de contrôle signé" in out.getvalue()
    return checkpoints.read_all()[0][-1]


def rewrite_from(cursor, seq: int, payload: dict) -> None:
    """Changes entry `seq` and recomputes every hash after it, and the head: a chain that verifies."""
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev_hash = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for entry in entries:
        if entry.seq == seq:
            entry.payload = payload
        entry.prev_hash = prev_hash
        entry.hash = prev_hash = hash_of(entry)
        cursor.execute(f"UPDATE {TABLE} SET payload = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                       [json.dumps(entry.payload), entry.prev_hash, entry.hash, entry.seq])  # fmt: skip
    cursor.execute("UPDATE audit_audithead SET hash = %s", [prev_hash])


def test_a_recomputed_chain_passes_the_chain_but_not_the_checkpoint():
    record_chain(5)
    signed = checkpoint()
    assert signed.seq == 5 and verify() == []
    with tampering() as cursor:
        rewrite_from(cursor, 3, {"n": 3, "amount": "1080.00"})
    problems = verify()
    assert problems == [f"Point de contrôle du {signed.day:%d/%m/%Y} (entrée n° 5) : son empreinte a changé "
                        "(journal réécrit jusqu'à cette entrée au moins)."]  # fmt: skip
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())


def test_a_truncated_journal_with_its_head_moved_back_is_detected():
    record_chain(6)
    checkpoint()
    kept = AuditEntry.objects.get(seq=4)
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > 4")
        cursor.execute("UPDATE audit_audithead SET seq = 4, hash = %s", [kept.hash])
    problems = verify()
    assert any("n'existe plus dans la base (journal tronqué)" in p for p in problems)
    assert any(p.startswith("Tête du journal reculée : elle désigne l'entrée n° 4") for p in problems)


def test_a_truncated_journal_extended_again_is_detected():
    record_chain(6)
    checkpoint()
    kept = AuditEntry.objects.get(seq=4)
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > 4")
        cursor.execute("UPDATE audit_audithead SET seq = 4, hash = %s", [kept.hash])
    record_chain(3)  # appends 5, 6, 7 through the journal: a chain that verifies on its own
    assert any("son empreinte a changé" in p for p in verify())


def test_a_forged_checkpoint_and_a_journal_not_signed_over(settings):
    record_chain(3)
    signed = checkpoint()
    forged = json.loads(signed.path.read_text())
    forged["seq"], forged["hash"] = 2, AuditEntry.objects.get(seq=2).hash
    signed.path.write_text(json.dumps(forged))
    assert any("signature invalide" in p for p in verify())
    with pytest.raises(CommandError):  # a journal that does not verify is never signed
        call_command("audit_checkpoint", stdout=StringIO(), stderr=StringIO())
    settings.SONS_AUDIT_KEY = "une autre clé"
    signed.path.unlink()
    assert checkpoint().signature != signed.signature


def test_checkpoints_accumulate_one_per_day_and_all_are_checked():
    record_chain(2)
    signing.write(dt.date(2027, 3, 1))
    record_chain(2)
    signing.write(dt.date(2027, 3, 2))
    found, problems = checkpoints.read_all()
    assert [(c.day.day, c.seq) for c in found] == [(1, 2), (2, 4)] and problems == []
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "4 entrées vérifiées ; 2 points de contrôle signés concordent" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="propre à PostgreSQL")
def test_the_applications_role_cannot_disable_the_append_only_triggers():
    record_chain(2)
    role = f"sons_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:  # the test's transaction undoes all of this
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {role}")  # as docs/operations.md grants it
        cursor.execute(f"GRANT SELECT, UPDATE ON audit_audithead TO {role}")
        cursor.execute(f"SET ROLE {role}")
        try:
            for statement in (
                f"ALTER TABLE {TABLE} DISABLE TRIGGER USER",
                f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_auditentry_refuse_update",
                "SET session_replication_role = replica",
                f"UPDATE {TABLE} SET actor = 'x' WHERE seq = 1",
                f"DELETE FROM {TABLE} WHERE seq = 2",
                f"TRUNCATE {TABLE}",
            ):
                with pytest.raises(DatabaseError), transaction.atomic():
                    cursor.execute(statement)
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            assert cursor.fetchone() == (2,)
        finally:
            cursor.execute("RESET ROLE")
    assert verify() == []
    assert AuditHead.objects.get().seq == 2

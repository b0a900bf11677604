"""The audit journal: a hash chain that detects any altered, removed or inserted entry."""

import datetime as dt
import json
import threading
import uuid
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from sons.audit.chain import GENESIS_HASH, entry_hash
from sons.audit.errors import AppendOnlyError, HeadMissingError, OutsideTransactionError
from sons.audit.journal import record, record_many, verify
from sons.audit.models import AuditEntry, AuditHead

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="propre à PostgreSQL")
TABLE = AuditEntry._meta.db_table
AT = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


def record_chain(count: int = 5) -> list[AuditEntry]:
    with transaction.atomic():
        return [
            record(
                "dossier.transition",
                actor="instructeur",
                target=("dossiers.dossier", n),
                payload={"n": n, "amount": Decimal("108.00")},
            )
            for n in range(1, count + 1)
        ]


@contextmanager
def tampering():
    """A raw cursor past every guard, as someone with direct access to the database would have.

    On PostgreSQL that means disabling the triggers too; the test's transaction undoes it anyway.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def insert_raw(cursor, *, seq: int, prev_hash: str, payload: dict) -> None:
    """Inserts an entry whose own hash is correct: only the chain can betray it."""
    fields = {
        "seq": seq,
        "at": AT,
        "actor": "faussaire",
        "action": "payment.booked",
        "target_type": "dossiers.dossier",
        "target_id": "1",
        "payload": payload,
    }
    forged_hash = entry_hash(prev_hash, **fields)
    cursor.execute(
        f"INSERT INTO {TABLE} (seq, at, actor, action, target_type, target_id, payload, prev_hash, hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            seq,
            connection.ops.adapt_datetimefield_value(AT),
            fields["actor"],
            fields["action"],
            fields["target_type"],
            fields["target_id"],
            json.dumps(payload),
            prev_hash,
            forged_hash,
        ],
    )


@pytest.mark.django_db
class TestRecording:
    def test_a_chain_of_entries_verifies(self):
        entries = record_chain(5)

        assert [entry.seq for entry in AuditEntry.objects.all()] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == GENESIS_HASH
        assert [entry.prev_hash for entry in entries[1:]] == [entry.hash for entry in entries[:-1]]
        head = AuditHead.objects.get()
        assert (head.seq, head.hash) == (5, entries[-1].hash)
        assert verify() == []

    def test_actor_and_target_are_named(self):
        user = get_user_model().objects.create_user("agent.asp")
        with transaction.atomic():
            by_user = record("dossier.validated", actor=user, target=user)
            by_system = record("calendar.tick")

        assert (by_user.actor, by_user.target_type, by_user.target_id) == (
            "agent.asp",
            "auth.user",
            str(user.pk),
        )
        assert (by_system.actor, by_system.target_type, by_system.target_id) == ("système", "", "")

    def test_payload_values_are_canonicalised(self):
        payload = {
            "amount": Decimal("270.00"),
            "filed_on": dt.date(2026, 9, 1),
            "validated_at": dt.datetime(2026, 9, 2, 14, 5, tzinfo=dt.UTC),
            "reference": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "lines": ({"amount": Decimal("108.00")}, None, True, 3),
        }
        with transaction.atomic():
            entry = record("payment.booked", payload=payload)

        expected = {
            "amount": "270.00",
            "filed_on": "2026-09-01",
            "validated_at": "2026-09-02T14:05:00+00:00",
            "reference": "12345678-1234-5678-1234-567812345678",
            "lines": [{"amount": "108.00"}, None, True, 3],
        }
        assert entry.payload == expected
        assert AuditEntry.objects.get().payload == expected
        assert verify() == []

    def test_a_timestamp_in_another_zone_still_verifies_once_stored(self):
        with transaction.atomic():
            record(
                "dossier.transition",
                at=dt.datetime(2027, 7, 14, 12, 0, 0, 123456, tzinfo=ZoneInfo("Europe/Paris")),
            )

        assert AuditEntry.objects.get().at == dt.datetime(2027, 7, 14, 10, 0, 0, 123456, tzinfo=dt.UTC)
        assert verify() == []

    def test_floats_are_refused(self):
        with transaction.atomic(), pytest.raises(TypeError, match="utilisez Decimal"):
            record("payment.booked", payload={"amount": 108.0})

        assert not AuditEntry.objects.exists()

    def test_record_many_gives_the_chain_of_successive_records(self):
        items = [
            {"action": "dossier.transition", "actor": "déposant", "target": ("dossiers.dossier", n), "at": AT}
            | {"payload": {"n": n, "financed": Decimal("270.00")}}
            for n in range(1, 6)
        ]
        with transaction.atomic():
            one_by_one = [record(**item).hash for item in items]
            transaction.set_rollback(True)

        with transaction.atomic():
            in_bulk = [entry.hash for entry in record_many(items)]

        assert in_bulk == one_by_one
        assert list(AuditEntry.objects.values_list("hash", flat=True)) == one_by_one
        assert verify() == []

    def test_record_many_takes_one_lock_one_insert_one_head_update(self, django_assert_num_queries):
        record_chain(1)
        items = [{"action": "dossier.transition", "target": ("dossiers.dossier", n)} for n in range(2500)]

        with transaction.atomic():
            with django_assert_num_queries(0):
                assert record_many([]) == []
            with CaptureQueriesContext(connection) as queries:
                record_many(items)

        lock, *inserts, head_update = [query["sql"] for query in queries.captured_queries]
        assert lock.startswith('SELECT "audit_audithead"')
        assert all(sql.startswith('INSERT INTO "audit_auditentry"') for sql in inserts)
        assert head_update.startswith('UPDATE "audit_audithead"')
        if connection.vendor == "postgresql":
            assert lock.endswith("FOR UPDATE")
            # Batches of 1000 rows; SQLite's limit on parameters makes its batches smaller.
            assert len(inserts) == 3
        assert AuditHead.objects.get().seq == 2501
        assert verify() == []


@pytest.mark.django_db
class TestAppendOnly:
    def test_the_orm_refuses_to_change_or_delete_entries(self):
        (entry,) = record_chain(1)
        entries = AuditEntry.objects.all()

        for refused in (
            entry.save,
            entry.delete,
            lambda: entries.update(actor="intrus"),
            entries.delete,
            lambda: AuditEntry.objects.bulk_update([entry], ["actor"]),
        ):
            with pytest.raises(AppendOnlyError, match="ajout seul"):
                refused()
        assert verify() == []

    def test_the_orm_creates_entries_only_through_the_journal(self):
        with pytest.raises(AppendOnlyError, match="record"):
            AuditEntry.objects.create(seq=1, at=AT, actor="intrus", action="x", prev_hash="", hash="")
        with pytest.raises(AppendOnlyError, match="record"):
            AuditEntry.objects.bulk_create([AuditEntry(seq=1, at=AT, actor="intrus", action="x")])

    @postgresql_only
    def test_postgresql_refuses_raw_update_and_delete(self):
        record_chain(2)

        with connection.cursor() as cursor:
            with pytest.raises(DatabaseError, match="modification refusée"), transaction.atomic():
                cursor.execute(f"UPDATE {TABLE} SET actor = 'intrus' WHERE seq = 1")
            with pytest.raises(DatabaseError, match="suppression refusée"), transaction.atomic():
                cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 2")

        assert verify() == []


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(OutsideTransactionError, match="transaction"):
        record("dossier.transition")
    with pytest.raises(OutsideTransactionError):
        record_many([{"action": "dossier.transition"}])

    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
class TestTamperingIsDetected:
    def test_an_altered_payload_is_named_by_its_seq(self):
        record_chain(5)
        with tampering() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET payload = %s WHERE seq = 3", [json.dumps({"amount": "9108.00"})]
            )

        assert verify() == ["Entrée n° 3 altérée : son empreinte ne correspond plus à son contenu."]

    def test_an_altered_entry_whose_hash_was_recomputed_breaks_the_next_link(self):
        entries = record_chain(5)
        third = entries[2]
        fields = {name: getattr(third, name) for name in ("seq", "at", "action", "target_type", "target_id")}
        rehashed = entry_hash(third.prev_hash, **fields, actor="intrus", payload=third.payload)
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET actor = 'intrus', hash = %s WHERE seq = 3", [rehashed])

        assert verify() == [
            "Entrée n° 4 : son empreinte précédente ne correspond pas à celle de l'entrée n° 3 "
            "(entrée insérée, remplacée ou réordonnée)."
        ]

    def test_a_deleted_entry_is_a_gap(self):
        record_chain(5)
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 3")

        assert verify() == ["Entrée n° 3 supprimée : la séquence saute à l'entrée n° 4."]

    def test_deleted_first_entries_are_a_gap(self):
        record_chain(5)
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq <= 2")

        assert verify() == ["Entrées n° 1 à 2 supprimées : la séquence saute à l'entrée n° 3."]

    def test_a_forged_entry_in_place_of_another_breaks_the_chain(self):
        entries = record_chain(5)
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 3")
            insert_raw(cursor, seq=3, prev_hash=entries[1].hash, payload={"amount": "9108.00"})

        assert verify() == [
            "Entrée n° 4 : son empreinte précédente ne correspond pas à celle de l'entrée n° 3 "
            "(entrée insérée, remplacée ou réordonnée)."
        ]

    def test_a_forged_entry_appended_behind_the_head_is_detected(self):
        entries = record_chain(5)
        with tampering() as cursor:
            insert_raw(cursor, seq=6, prev_hash=entries[-1].hash, payload={"amount": "9108.00"})

        assert verify() == ["Entrée n° 6 ajoutée hors du journal (la tête désigne l'entrée n° 5)."]

    def test_a_truncated_tail_is_detected_by_the_head(self):
        record_chain(5)
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= 4")

        assert verify() == [
            "Fin du journal tronquée : entrées n° 4 à 5 absentes "
            "(la tête désigne l'entrée n° 5, la dernière entrée présente est la n° 3)."
        ]

    def test_a_lost_head_is_reported_and_stops_appends(self):
        record_chain(2)
        AuditHead.objects.all().delete()

        assert verify() == ["Tête du journal absente alors que 2 entrées existent."]
        with transaction.atomic(), pytest.raises(HeadMissingError):
            record("dossier.transition")


@pytest.mark.django_db
class TestVerifyCommand:
    def test_an_intact_journal_exits_0(self):
        record_chain(3)
        out = StringIO()

        call_command("audit_verify", stdout=out)

        assert out.getvalue().startswith(
            "Journal d'audit intègre : 3 entrées vérifiées ; aucun point de contrôle"
        )

    def test_an_empty_journal_is_intact(self):
        out = StringIO()

        call_command("audit_verify", stdout=out)

        assert out.getvalue().startswith("Journal d'audit intègre : 0 entrée vérifiée ; ")

    def test_a_tampered_journal_exits_1_with_each_problem_on_stderr(self):
        record_chain(5)
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq IN (2, 5)")
        err = StringIO()

        with pytest.raises(CommandError, match="2 problèmes détectés") as refusal:
            call_command("audit_verify", stderr=err)

        assert refusal.value.returncode == 1
        assert err.getvalue().splitlines() == [
            "Entrée n° 2 supprimée : la séquence saute à l'entrée n° 3.",
            "Fin du journal tronquée : entrée n° 5 absente "
            "(la tête désigne l'entrée n° 5, la dernière entrée présente est la n° 4).",
        ]


THREADS = 10
ENTRIES_PER_THREAD = 20


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_unbroken_chain():
    start = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(ENTRIES_PER_THREAD):
                with transaction.atomic():
                    record("test.concurrent", actor=f"agent-{worker}", payload={"worker": worker, "n": n})
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert verify() == []
    total = THREADS * ENTRIES_PER_THREAD
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    for worker in range(THREADS):
        mine = AuditEntry.objects.filter(actor=f"agent-{worker}").values_list("payload__n", flat=True)
        assert list(mine) == list(range(ENTRIES_PER_THREAD))

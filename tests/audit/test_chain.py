"""Canonicalisation and hashing, without the database."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.db.models import IntegerChoices, TextChoices

from sons.audit.chain import GENESIS_HASH, canonical_payload, entry_hash


class Colour(TextChoices):
    BLUE = "bleu"


class Rank(IntegerChoices):
    FIRST = 1


def test_the_hash_covers_the_previous_hash_and_a_canonical_json():
    content = (
        '{"action":"payment.booked","actor":"système","at":"2027-03-01T09:30:00+00:00",'
        '"payload":{"montant":"108.00"},"seq":1,"target_id":"7","target_type":"dossiers.dossier"}'
    )
    expected = hashlib.sha256((GENESIS_HASH + content).encode()).hexdigest()

    assert (
        entry_hash(
            GENESIS_HASH,
            seq=1,
            at=dt.datetime(2027, 3, 1, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            actor="système",
            action="payment.booked",
            target_type="dossiers.dossier",
            target_id="7",
            payload={"montant": "108.00"},
        )
        == expected
    )


def test_enum_members_become_their_plain_values():
    payload = canonical_payload({"colour": Colour.BLUE, "rank": Rank.FIRST})

    assert payload == {"colour": "bleu", "rank": 1}
    assert type(payload["colour"]) is str
    assert type(payload["rank"]) is int


@pytest.mark.parametrize(
    ("payload", "error", "message"),
    [
        ({"amount": 1.5}, TypeError, "utilisez Decimal"),
        ({"amount": Decimal("NaN")}, ValueError, "non fini"),
        ({1: "un"}, TypeError, "Clé non textuelle"),
        ({"tags": {"a", "b"}}, TypeError, "non enregistrable"),
        (["not", "a", "dict"], TypeError, "dictionnaire"),
    ],
)
def test_values_that_would_not_hash_the_same_once_stored_are_refused(payload, error, message):
    with pytest.raises(error, match=message):
        canonical_payload(payload)


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="fuseau"):
        entry_hash(
            GENESIS_HASH,
            seq=1,
            at=dt.datetime(2027, 3, 1, 9, 30),
            actor="système",
            action="x",
            target_type="",
            target_id="",
            payload={},
        )

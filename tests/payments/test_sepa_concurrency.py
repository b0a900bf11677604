"""Paying agents preparing, writing and sending batches at the same instant never pay a request twice
(PostgreSQL: each thread has its own connection)."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.db import connection

from sons.lifecycle import TransitionRefused
from sons.payments.actions import prepare_batch, reject_batch, send_batch
from sons.payments.enums import PaymentStatus
from sons.payments.models import Payment, PaymentBatch
from sons.payments.sepa import batch_xml
from tests.concurrency import run_together
from tests.payments.world import paying_agents_and_validated_advances

XSD = xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"))
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
AGENTS = 2
DOSSIERS = 30


def requests_in(xml: bytes) -> list[tuple[int, str]]:
    """(dossier, kind) of each transfer of a file, read back from its end-to-end ids."""
    ids = [
        int(re.fullmatch(r"SONS-PAIEMENT-(\d+)", n.text).group(1))
        for n in ET.fromstring(xml).iterfind(".//p:EndToEndId", NS)
    ]
    found = Payment.objects.in_bulk(ids)
    return [(found[i].dossier_id, found[i].kind) for i in ids]


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_and_files_never_pay_a_request_twice(today):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    today("2026-09-01")
    agents = paying_agents_and_validated_advances(AGENTS, DOSSIERS)

    # Two agents prepare and write their files at the same instant, each taking at most 20 requests.
    def prepare_and_write(agent):
        batch = prepare_batch(agent, limit=20)
        return batch, batch_xml(batch)

    prepared = run_together(prepare_and_write, agents)
    assert not [r for r in prepared if isinstance(r, Exception)], prepared
    files = [xml for _, xml in prepared]
    for xml in files:
        XSD.validate(xml.decode())
    in_files = [request for xml in files for request in requests_in(xml)]
    assert len(in_files) == DOSSIERS
    assert Counter(in_files).most_common(1)[0][1] == 1
    live = list(Payment.objects.exclude(status=PaymentStatus.REJECTED).values_list("dossier_id", "kind"))
    assert sorted(live) == sorted(in_files)

    # Both agents send the same batch at once: one sends it, the other is refused; the file is unchanged.
    batch = prepared[0][0]
    sent = run_together(lambda agent: send_batch(agent, batch), agents)
    assert sorted(type(r).__name__ for r in sent) == ["PaymentBatch", "TransitionRefused"]
    assert batch_xml(PaymentBatch.objects.get(pk=batch.pk)) == prepared[0][1]

    # The other batch is rejected; two agents prepare again: its requests land in exactly one new file.
    other = prepared[1][0]
    reject_batch(agents[0], other, "Rejet par la banque")
    again = run_together(lambda agent: prepare_batch(agent, limit=20), agents)
    new = [b for b in again if b is not None]
    assert all(isinstance(b, PaymentBatch) for b in new) and not any(
        isinstance(b, TransitionRefused) for b in again
    )
    refiled = [request for b in new for request in requests_in(batch_xml(b))]
    assert sorted(refiled) == sorted(requests_in(prepared[1][1]))
    live = list(Payment.objects.exclude(status=PaymentStatus.REJECTED).values_list("dossier_id", "kind"))
    assert len(live) == len(set(live)) == DOSSIERS

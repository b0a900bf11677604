"""SEPA files of payment batches: schema-valid, regenerable byte for byte, never with a bad account."""

import hashlib
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.utils import timezone

from sons.payments.models import Payment, PaymentBatch
from sons.payments.sepa import debtor, sepa_text
from sons.suppliers.models import Organisation
from tests.worlds import filing, join_through_api

pytestmark = pytest.mark.django_db

XSD = xmlschema.XMLSchema(str(Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"))
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
SEPA_LATIN = re.compile(r"^[A-Za-z0-9/?:().,'+ -]*$")


def file_and_validate(world, professionals) -> list[int]:
    ids = [world.supplier.post("/dossiers", filing(world, rpps=p.rpps)).json()["id"] for p in professionals]
    join_through_api(world.supplier, "advance", *ids)  # the signed orders, joined after the filing (§6.2)
    decided = world.instructor.post("/instruction/decisions", {"dossier_ids": ids, "decision": "validate"})
    assert [item["status"] for item in decided.json()] == ["ok"] * len(ids)
    return ids


def prepare(world) -> int:
    response = world.paying_agent.post("/payments/batches")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def sepa_file(world, batch_id: int) -> bytes:
    response = world.paying_agent.get(f"/payments/batches/{batch_id}/sepa.xml")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/xml")
    assert f"sons-lot-{batch_id}-pain.001.001.03.xml" in response["Content-Disposition"]
    XSD.validate(response.content.decode())
    return response.content


def texts(xml: bytes, path: str) -> list[str]:
    return [node.text for node in ET.fromstring(xml).findall(path, NS)]


def remitted_dossiers(xml: bytes) -> list[int]:
    return [int(re.search(r"dossier (\d+)", text).group(1)) for text in texts(xml, ".//p:Ustrd")]


def test_the_file_follows_the_schema_and_lists_each_payment(world):
    ids = file_and_validate(world, world.professionals[:3])
    batch_id = prepare(world)
    xml = sepa_file(world, batch_id)

    batch = PaymentBatch.objects.get(pk=batch_id)
    payments = list(batch.payments.order_by("pk"))
    assert texts(xml, "p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId") == [f"SONS-LOT-{batch_id}"]
    created = timezone.localtime(batch.prepared_at).strftime("%Y-%m-%dT%H:%M:%S")
    assert texts(xml, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm") == [created]
    assert texts(xml, "p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs") == ["3"]
    assert texts(xml, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum") == [f"{batch.total:.2f}"] == ["324.00"]
    assert texts(xml, ".//p:PmtInf/p:PmtInfId") == [f"SONS-LOT-{batch_id}-VIREMENTS"]
    assert texts(xml, ".//p:DbtrAcct/p:Id/p:IBAN") == [debtor()["IBAN"]]
    assert texts(xml, ".//p:EndToEndId") == [f"SONS-PAIEMENT-{p.pk}" for p in payments]
    assert texts(xml, ".//p:InstdAmt") == ["108.00"] * 3
    assert texts(xml, ".//p:CdtrAcct/p:Id/p:IBAN") == [world.organisation.iban] * 3
    assert texts(xml, ".//p:CdtrAgt/p:FinInstnId/p:BIC") == [world.organisation.bic] * 3
    assert remitted_dossiers(xml) == ids


def test_regenerated_byte_for_byte_and_fingerprinted_when_sent(world):
    file_and_validate(world, world.professionals[:2])
    batch_id = prepare(world)
    before_sending = sepa_file(world, batch_id)
    assert sepa_file(world, batch_id) == before_sending

    assert world.paying_agent.post(f"/payments/batches/{batch_id}/send").status_code == 200
    batch = PaymentBatch.objects.get(pk=batch_id)
    assert batch.sepa_sha256 == hashlib.sha256(before_sending).hexdigest()
    assert set(batch.payments.values_list("creditor_iban", flat=True)) == {world.organisation.iban}

    # The supplier changes bank afterwards: the sent file still names the account that was paid.
    world.organisation.iban, world.organisation.bic = "FR7630004000031234567890143", "BNPAFRPP"
    world.organisation.save()
    assert sepa_file(world, batch_id) == before_sending
    assert world.paying_agent.post(f"/payments/batches/{batch_id}/confirm").status_code == 200
    assert sepa_file(world, batch_id) == before_sending


def test_a_regeneration_that_differs_from_the_sent_file_is_refused(world):
    file_and_validate(world, world.professionals[:1])
    batch_id = prepare(world)
    world.paying_agent.post(f"/payments/batches/{batch_id}/send")
    PaymentBatch.objects.filter(pk=batch_id).update(sepa_sha256="0" * 64)
    response = world.paying_agent.get(f"/payments/batches/{batch_id}/sepa.xml")
    assert response.status_code == 409
    assert response.json()["field"] == "sepa_sha256"
    assert "diffère du fichier transmis" in response.json()["message"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Éditions Œuvre & Fils — Santé « Plus »", "Editions OEuvre + Fils -- Sante Plus"),
        ("Straße n°3 ; Ærø @ 50%", "Strasse ndeg3 AEro 50"),
        ("L'Hôpital (Côte-d'Or)/Sud, 2.0?", "L'Hopital (Cote-d'Or)/Sud, 2.0?"),
        ("x" * 80, "x" * 70),
    ],
)
def test_names_are_transliterated_to_the_sepa_latin_set(name, expected):
    assert sepa_text(name, 70) == expected
    assert SEPA_LATIN.match(expected)


def test_an_accented_supplier_name_is_written_in_the_sepa_set(world):
    Organisation.objects.filter(pk=world.organisation.pk).update(
        name="Société Éditrice « Cœur & Santé » — Île-de-France"
    )
    file_and_validate(world, world.professionals[:1])
    xml = sepa_file(world, prepare(world))
    (creditor,) = texts(xml, ".//p:Cdtr/p:Nm")
    assert creditor == "Societe Editrice Coeur + Sante -- Ile-de-France"
    assert all(SEPA_LATIN.match(text) for text in texts(xml, ".//p:Nm") + texts(xml, ".//p:Ustrd"))


@pytest.mark.parametrize(
    ("change", "field", "shown"),
    [
        ({"iban": "FR7630006000011234567890188"}, "iban", "FR7630006000011234567890188"),
        ({"iban": ""}, "iban", "absent"),
        ({"bic": "AGRIF"}, "bic", "AGRIF"),
    ],
)
def test_an_invalid_account_refuses_the_file_and_the_sending(world, change, field, shown):
    file_and_validate(world, world.professionals[:2])
    batch_id = prepare(world)
    Organisation.objects.filter(pk=world.organisation.pk).update(**change)  # bypasses the model's validators

    response = world.paying_agent.get(f"/payments/batches/{batch_id}/sepa.xml")
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert world.organisation.name in body["message"] and shown in body["message"]
    assert f"{field.upper()} invalide" in body["message"]

    sent = world.paying_agent.post(f"/payments/batches/{batch_id}/send")
    assert sent.status_code == 409
    assert world.organisation.name in sent.json()["message"]
    batch = PaymentBatch.objects.get(pk=batch_id)
    assert (batch.state, batch.sepa_sha256, batch.sent_at) == ("prepared", "", None)
    assert set(batch.payments.values_list("creditor_iban", flat=True)) == {""}


def test_a_rejected_batch_is_paid_by_the_next_file_a_confirmed_one_is_not(world):
    (paid,) = file_and_validate(world, world.professionals[:1])
    confirmed = prepare(world)
    world.paying_agent.post(f"/payments/batches/{confirmed}/send")
    assert world.paying_agent.post(f"/payments/batches/{confirmed}/confirm").status_code == 200

    again = file_and_validate(world, world.professionals[1:3])
    rejected = prepare(world)
    assert remitted_dossiers(sepa_file(world, rejected)) == again
    world.paying_agent.post(f"/payments/batches/{rejected}/send")
    assert world.paying_agent.post(f"/payments/batches/{rejected}/reject").status_code == 200

    retried = prepare(world)
    xml = sepa_file(world, retried)
    assert remitted_dossiers(xml) == again
    assert paid not in remitted_dossiers(xml)
    new_payments = Payment.objects.filter(batch_id=retried).order_by("pk")
    assert texts(xml, ".//p:EndToEndId") == [f"SONS-PAIEMENT-{p.pk}" for p in new_payments]
    assert texts(xml, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum") == ["216.00"]
    assert sum(p.amount for p in new_payments) == Decimal("216.00")
    assert world.paying_agent.post("/payments/batches").json() == {
        "message": "Aucune demande validée à payer."
    }


def test_only_the_paying_agent_gets_the_file(world):
    file_and_validate(world, world.professionals[:1])
    batch_id = prepare(world)
    for actor in (world.supplier, world.instructor, world.ans):
        response = actor.get(f"/payments/batches/{batch_id}/sepa.xml")
        assert response.status_code == 403
        assert "Agent payeur ASP" in response.json()["message"]
    assert world.paying_agent.get("/payments/batches/999999/sepa.xml").status_code == 404

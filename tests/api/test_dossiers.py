"""The whole life of a dossier through the API: order → advance → completion → validation → payment →
pilot → balance → validation → payment."""

import uuid

import pytest

from sons.audit.journal import verify
from sons.dossiers.models import Dossier
from tests.worlds import BALANCE, filing, join_through_api


def join_balance_pieces(world, dossier_id: int) -> None:
    """The invoice and the VA joined through the API, as the balance request requires them (§6.4)."""
    join_through_api(world.supplier, "balance", dossier_id)


def prepare_and_pay(world) -> dict:
    batch = world.paying_agent.post("/payments/batches", key=f"lot-{uuid.uuid4()}")
    assert batch.status_code == 201, batch.json()
    batch_id = batch.json()["id"]
    assert world.paying_agent.post(f"/payments/batches/{batch_id}/send").status_code == 200
    confirmed = world.paying_agent.post(f"/payments/batches/{batch_id}/confirm")
    assert confirmed.status_code == 200
    return confirmed.json()


@pytest.mark.django_db
def test_full_life_of_a_dossier(today, world):
    # The supplier files an order whose VAT rate is missing: filed, with a blocking finding.
    response = world.supplier.post("/dossiers", filing(world, vat_rate=None), key="depot-1")
    assert response.status_code == 201, response.json()
    dossier = response.json()
    assert dossier["state"] == "advance_filed"
    assert dossier["decision"] == "not_admissible"
    assert [f["rule"] for f in dossier["findings"]] == ["order_states_vat_rate"]
    dossier_id = dossier["id"]

    # A retry with the same idempotency key creates nothing new.
    retry = world.supplier.post("/dossiers", filing(world, vat_rate=None), key="depot-1")
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1

    # The instructor cannot validate it, and asks for a completion.
    refused = world.instructor.post(
        "/instruction/decisions", {"dossier_ids": [dossier_id], "decision": "validate"}
    )
    assert refused.json()[0]["status"] == "error"
    assert "taux de TVA" in refused.json()[0]["message"]
    asked = world.instructor.post(
        "/instruction/decisions",
        {
            "dossier_ids": [dossier_id],
            "decision": "request_completion",
            "message": "Merci de préciser le taux de TVA.",
        },
    )
    assert asked.json() == [{"id": dossier_id, "status": "ok", "state": "advance_to_complete", "code": None,
                             "message": None, "field": None}]  # fmt: skip

    # The supplier answers; the rules run again.
    answered = world.supplier.post(
        f"/dossiers/{dossier_id}/completion", {"message": "Taux ajouté.", "order": {"vat_rate": "20"}}
    )
    assert answered.status_code == 200, answered.json()
    assert answered.json()["state"] == "advance_filed"
    assert answered.json()["decision"] == "admissible"

    # Filed without draft, the order came without its signed copy: not conforming, the validation waits for it
    # (§6.2), the refusal naming the piece and the field, as the filing of a draft does.
    missing_order = world.instructor.post(
        "/instruction/decisions", {"dossier_ids": [dossier_id], "decision": "validate"}
    )
    assert missing_order.status_code == 200
    (item,) = missing_order.json()
    assert (item["status"], item["code"], item["field"], item["state"]) == (
        "error", "missing_piece", "documents", None)  # fmt: skip
    assert item["message"].startswith("Validation impossible : pièce(s) obligatoire(s) manquante(s) — Copie du "
                                      "bon de commande de la Prestation Ségur signé par le Client (AF §6.2).")  # fmt: skip
    assert Dossier.objects.get(pk=dossier_id).state == "advance_filed"
    join_through_api(world.supplier, "advance", dossier_id)

    # Validated, then paid in a batch: 40 % of 270.00.
    validated = world.instructor.post(
        "/instruction/decisions", {"dossier_ids": [dossier_id], "decision": "validate"}
    )
    assert validated.json()[0]["state"] == "advance_validated"
    batch = prepare_and_pay(world)
    assert batch["total"] == "108.00"
    paid = world.supplier.get(f"/dossiers/{dossier_id}").json()
    assert paid["state"] == "advance_paid"
    assert paid["amounts"]["paid_advance"] == "108.00"
    assert paid["next_deadline"] == {"name": "service_completion_until", "date": "2028-02-15"}

    # A balance request is refused while the pilot is not validated.
    today("2027-12-10")
    missing = world.supplier.post(f"/dossiers/{dossier_id}/balance", BALANCE)  # §6.4: invoice and VA first
    assert (missing.status_code, missing.json()["code"], missing.json()["missing"]) == (
        422, "missing_piece", ["invoice", "va"])  # fmt: skip
    join_balance_pieces(world, dossier_id)
    early = world.supplier.post(f"/dossiers/{dossier_id}/balance", BALANCE)
    assert early.json()["decision"] == "not_admissible"
    assert "supplier_pilot_validated" in [f["rule"] for f in early.json()["findings"]]
    world.instructor.post("/instruction/decisions", {"dossier_ids": [dossier_id], "decision": "reject",
                                                     "message": "Pilote non validé."})  # fmt: skip
    assert Dossier.objects.get(pk=dossier_id).state == "balance_rejected"


@pytest.mark.django_db
def test_pilot_then_balance_paid(today, world):
    ids = []
    for professional in world.professionals[:5]:
        response = world.supplier.post("/dossiers", filing(world, rpps=professional.rpps))
        ids.append(response.json()["id"])
    join_through_api(world.supplier, "advance", *ids)  # the signed orders, joined after the filing (§6.2)
    decisions = world.instructor.post("/instruction/decisions", {"dossier_ids": ids, "decision": "validate"})
    assert {item["state"] for item in decisions.json()} == {"advance_validated"}
    prepare_and_pay(world)

    pilot = world.supplier.post(
        "/pilots",
        {"solution_version_id": world.version.pk, "training_materials_sent": True,
         "clients": [{"dossier_id": i, "pv_signed": True} for i in ids]},
    )  # fmt: skip
    assert pilot.status_code == 201, pilot.json()
    assert (
        world.ans.post(f"/pilots/{pilot.json()['id']}/decision", {"decision": "validate"}).json()["state"]
        == "validated"
    )
    world.version.refresh_from_db()
    assert world.version.first_installations_on is not None

    today("2027-12-10")
    join_balance_pieces(world, ids[0])
    balance = world.supplier.post(f"/dossiers/{ids[0]}/balance", BALANCE)
    assert balance.json()["state"] == "balance_filed"
    assert balance.json()["decision"] == "admissible", balance.json()["findings"]
    world.instructor.post("/instruction/decisions", {"dossier_ids": [ids[0]], "decision": "validate"})
    batch = prepare_and_pay(world)
    assert batch["total"] == "162.00"
    final = world.supplier.get(f"/dossiers/{ids[0]}").json()
    assert final["state"] == "balance_paid"
    assert final["amounts"]["paid_advance"] == "108.00"
    assert final["amounts"]["paid_balance"] == "162.00"
    assert [step["name"] for step in final["history"]] == [
        "file_advance", "validate_advance", "pay_advance", "file_balance", "validate_balance", "pay_balance",
    ]  # fmt: skip
    assert verify() == []


@pytest.mark.django_db
def test_pilot_with_four_clients_is_refused_with_the_rules_findings(world):
    ids = [
        world.supplier.post("/dossiers", filing(world, rpps=p.rpps)).json()["id"]
        for p in world.professionals[:4]
    ]
    world.instructor.post("/instruction/decisions", {"dossier_ids": ids, "decision": "validate"})
    response = world.supplier.post(
        "/pilots",
        {"solution_version_id": world.version.pk, "training_materials_sent": True,
         "clients": [{"dossier_id": i, "pv_signed": True} for i in ids]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "5 Clients distincts" in response.json()["message"]

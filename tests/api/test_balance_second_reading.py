"""The balance request with issue 14's facts: the training (§3.1, §4.4) and an invoice below the advance paid
(§5.1, §7), through the API."""

import pytest

from sons.dossiers.models import Dossier
from tests.api.test_dossiers import join_balance_pieces, prepare_and_pay
from tests.worlds import BALANCE, filing, join_through_api

pytestmark = pytest.mark.django_db


def paid_dossier_with_validated_pilot(world) -> int:
    ids = [
        world.supplier.post("/dossiers", filing(world, rpps=p.rpps)).json()["id"]
        for p in world.professionals[:5]
    ]
    join_through_api(world.supplier, "advance", *ids)  # the signed orders, joined after the filing (§6.2)
    world.instructor.post("/instruction/decisions", {"dossier_ids": ids, "decision": "validate"})
    prepare_and_pay(world)
    pilot = world.supplier.post(
        "/pilots",
        {"solution_version_id": world.version.pk, "training_materials_sent": True,
         "clients": [{"dossier_id": i, "pv_signed": True} for i in ids]},
    )  # fmt: skip
    world.ans.post(f"/pilots/{pilot.json()['id']}/decision", {"decision": "validate"})
    join_balance_pieces(world, ids[0])
    return ids[0]


@pytest.mark.parametrize(
    ("delivered", "decision", "severity"),
    [(True, "admissible", None), (False, "not_admissible", "blocking"), (None, "admissible", "warning")],
    ids=["delivered", "not-delivered", "not-declared"],
)
def test_the_training_declared_with_the_balance(world, today, delivered, decision, severity):
    dossier_id = paid_dossier_with_validated_pilot(world)
    today("2027-12-10")
    response = world.supplier.post(
        f"/dossiers/{dossier_id}/balance", {**BALANCE, "training_delivered": delivered}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["decision"] == decision
    found = [
        f["severity"] for f in response.json()["findings"] if f["rule"] == "training_delivered_for_balance"
    ]
    assert found == ([severity] if severity else [])
    assert Dossier.objects.get(pk=dossier_id).declared["balance"]["training_delivered"] is delivered


def test_an_invoice_below_the_advance_paid_is_filed_and_its_excess_stops_the_validation(world, today):
    dossier_id = paid_dossier_with_validated_pilot(world)
    today("2027-12-10")
    invoice = {**BALANCE["invoice"], "amount": "100.00"}
    response = world.supplier.post(
        f"/dossiers/{dossier_id}/balance", {**BALANCE, "invoice": invoice, "training_delivered": True}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["decision"] == "admissible"
    assert body["amounts"]["balance"] == "0.00"
    assert body["amounts"]["financed"] == "108.00"  # kept at what was paid until the excess is recovered
    assert "financed_amount_lowered_to_invoice" in [f["rule"] for f in body["findings"]]
    refused = world.instructor.post(
        "/instruction/decisions", {"dossier_ids": [dossier_id], "decision": "validate"}
    )
    assert refused.json()[0]["status"] == "error"
    assert "8.00 €" in refused.json()[0]["message"] and "§7" in refused.json()[0]["message"]
    assert Dossier.objects.get(pk=dossier_id).state == "balance_filed"

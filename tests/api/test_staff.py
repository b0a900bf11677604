"""Recovery at Date 5, referencing withdrawal, the §6.2 exception, isolation between suppliers, bulk filing."""

import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from sons.audit.journal import verify
from sons.directory.models import DeMinimisAid
from sons.dossiers.models import Dossier
from sons.recoveries.models import RecoveryCase
from tests.db_factories import SolutionFactory, SolutionVersionFactory
from tests.worlds import filing, join_through_api

pytestmark = pytest.mark.django_db


def file_validate_pay(world, professionals) -> list[int]:
    ids = [world.supplier.post("/dossiers", filing(world, rpps=p.rpps)).json()["id"] for p in professionals]
    join_through_api(world.supplier, "advance", *ids)  # the signed orders, joined after the filing (§6.2)
    world.instructor.post("/instruction/decisions", {"dossier_ids": ids, "decision": "validate"})
    batch = world.paying_agent.post("/payments/batches", key=str(uuid.uuid4())).json()
    world.paying_agent.post(f"/payments/batches/{batch['id']}/send")
    world.paying_agent.post(f"/payments/batches/{batch['id']}/confirm")
    return ids


def test_recovery_at_date_5(today, world, capsys):
    paid, attested = file_validate_pay(world, world.professionals[:2])
    today("2028-02-10")
    assert world.supplier.post(f"/dossiers/{attested}/end-of-service").status_code == 200

    call_command("deadlines", "--today", "2028-02-15")  # Date 5: nothing is due yet
    assert RecoveryCase.objects.count() == 0
    call_command("deadlines", "--today", "2028-02-16")
    call_command("deadlines", "--today", "2028-02-16")  # idempotent
    (case,) = RecoveryCase.objects.all()
    assert (case.dossier_id, case.ground, case.amount) == (paid, "not_completed_at_date_5", Decimal("108.00"))
    assert Dossier.objects.get(pk=paid).state == "in_recovery"
    assert Dossier.objects.get(pk=attested).state == "advance_paid"
    assert "1 recouvrement(s) ouvert(s) le 16/02/2028." in capsys.readouterr().out

    # Formal notice first; the repayment order only after its delay.
    today("2028-02-16")
    assert world.instructor.post(f"/recoveries/{case.pk}/repayment-order").status_code == 409
    assert (
        world.instructor.post(f"/recoveries/{case.pk}/formal-notice").json()["state"]
        == "recovery_notice_sent"
    )
    today("2028-03-17")  # the 30th day of the delay
    assert world.instructor.post(f"/recoveries/{case.pk}/repayment-order").status_code == 409
    today("2028-03-18")
    assert (
        world.instructor.post(f"/recoveries/{case.pk}/repayment-order").json()["state"] == "recovery_ordered"
    )
    over = world.paying_agent.post(f"/recoveries/{case.pk}/repayments", {"amount": "108.01"})
    assert over.status_code == 409
    assert (
        world.paying_agent.post(f"/recoveries/{case.pk}/repayments", {"amount": "108.00"}).json()["state"]
        == "recovered"
    )
    dossier = world.supplier.get(f"/dossiers/{paid}").json()
    assert dossier["state"] == "recovered"
    assert dossier["amounts"]["recovered"] == "108.00"
    assert verify() == []


def test_incapacity_declared_opens_recovery(world):
    (dossier_id,) = file_validate_pay(world, world.professionals[:1])
    response = world.supplier.post(f"/dossiers/{dossier_id}/incapacity", {"reason": "Éditeur défaillant."})
    assert response.json()["state"] == "in_recovery"
    (case,) = RecoveryCase.objects.all()
    assert (case.ground, case.amount) == ("incapacity", Decimal("108.00"))


def test_referencing_withdrawal(world):
    ids = file_validate_pay(world, world.professionals[:3])
    preview = world.ans.get(f"/registry/versions/{world.version.pk}/withdrawal-impact").json()
    assert preview == {"dossiers": 3, "paid": "324.00"}
    stale = world.ans.post(
        f"/registry/versions/{world.version.pk}/withdrawal", {"dossiers": 2, "paid": "216.00"}
    )
    assert stale.status_code == 409
    assert "3 dossiers, 324.00 €" in stale.json()["message"]
    done = world.ans.post(f"/registry/versions/{world.version.pk}/withdrawal", preview)
    assert done.json() == {"version_id": world.version.pk, "recovery_cases": 3, "amount": "324.00"}
    assert set(Dossier.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"in_recovery"}
    assert set(RecoveryCase.objects.values_list("ground", flat=True)) == {"referencing_withdrawn"}
    # A new filing on the withdrawn solution is not admissible.
    late = world.supplier.post("/dossiers", filing(world, rpps=world.professionals[5].rpps)).json()
    assert "solution_referenced" in [f["rule"] for f in late["findings"]]


def test_exception_resolved_by_the_ans_decision(today, world):
    pending = SolutionVersionFactory(
        solution=SolutionFactory(publisher=world.version.solution.publisher), pending=True,
        complete_dossier_on="2027-03-01",
    )  # fmt: skip
    today("2027-10-01")  # between Date 4 − 15 days (30/09/2027) and Date 4 (15/10/2027)
    data = filing(world, signed_on="2027-02-01", issued_on="2027-01-20", mention_conditional_referencing=True)
    data["solution_version_id"] = pending.pk
    filed = world.supplier.post("/dossiers", data).json()
    assert filed["decision"] == "admissible_subject_to_referencing", filed["findings"]
    join_through_api(world.supplier, "advance", filed["id"])
    decided = world.instructor.post(
        "/instruction/decisions", {"dossier_ids": [filed["id"]], "decision": "validate"}
    )
    assert decided.json()[0]["state"] == "advance_subject_to_referencing"
    today("2027-11-02")
    granted = world.ans.post(f"/registry/versions/{pending.pk}/referencing", {"decision": "grant"})
    assert granted.json()["dossiers_resolved"] == 1
    assert Dossier.objects.get(pk=filed["id"]).state == "advance_validated"


def test_a_supplier_never_sees_another_suppliers_dossier(world):
    dossier_id = world.supplier.post("/dossiers", filing(world)).json()["id"]
    assert world.other_supplier.get(f"/dossiers/{dossier_id}").status_code == 404
    assert world.other_supplier.post(f"/dossiers/{dossier_id}/end-of-service").status_code == 404
    assert (
        world.other_supplier.post(f"/dossiers/{dossier_id}/balance", {"va": {}, "invoice": {}}).status_code
        == 404
    )
    assert world.other_supplier.get("/dossiers").json() == []
    assert world.instructor.get(f"/dossiers/{dossier_id}").status_code == 200


def test_suppliers_cannot_decide_and_staff_cannot_file(world):
    dossier_id = world.supplier.post("/dossiers", filing(world)).json()["id"]
    forbidden = world.supplier.post(
        "/instruction/decisions", {"dossier_ids": [dossier_id], "decision": "validate"}
    )
    assert forbidden.status_code == 403
    assert "Instructeur ASP" in forbidden.json()["message"]
    assert (
        world.instructor.post("/dossiers", filing(world, rpps=world.professionals[1].rpps)).status_code == 403
    )


def test_unicity_refused_with_a_clear_message(world):
    assert world.supplier.post("/dossiers", filing(world)).status_code == 201
    second = world.other_supplier.post("/dossiers", filing(world))
    assert second.status_code == 409
    assert second.json()["field"] == "client"
    assert "bénéficie déjà d'une commande" in second.json()["message"]


def test_bulk_json_array_with_a_per_item_report(world):
    items = [filing(world, rpps=p.rpps) for p in world.professionals[:4]]
    items[1]["client"]["rpps"] = "12345678901"  # bad Luhn key
    items[2] = {"client": {}, "order": {}}  # not a dossier
    items.append(filing(world, rpps=world.professionals[0].rpps))  # the same client twice
    report = world.supplier.post("/dossiers/bulk", json.dumps(items), key="lot-a").json()
    assert (report["filed"], report["refused"]) == (2, 3)
    statuses = [(item["index"], item["status"]) for item in report["items"]]
    assert statuses == [(0, "filed"), (1, "refused"), (2, "refused"), (3, "filed"), (4, "refused")]
    assert report["items"][1]["error"]["field"] == "client.rpps"
    assert report["items"][2]["error"]["field"] in ("solution_version_id", "client", "order")
    assert "déjà" in report["items"][4]["error"]["message"]
    again = world.supplier.post("/dossiers/bulk", json.dumps(items), key="lot-a")
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 2


def test_bulk_jsonl(world):
    lines = "\n".join(json.dumps(filing(world, rpps=p.rpps)) for p in world.professionals[:3])
    report = world.supplier.post("/dossiers/bulk", lines + "\n{broken", content_type="application/x-ndjson")
    assert report.status_code == 200  # a line that is not JSON is refused alone, with its line
    assert (report.json()["filed"], report.json()["refused"]) == (3, 1)
    assert report.json()["items"][3]["error"]["message"].startswith("Ligne 4 : JSON invalide")


def test_idempotency_key_reused_for_another_request(world):
    assert world.supplier.post("/dossiers", filing(world), key="k1").status_code == 201
    other = world.supplier.post("/dossiers", filing(world, rpps=world.professionals[1].rpps), key="k1")
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"


def test_bad_input_is_french_json_with_the_field(world):
    response = world.supplier.post(
        "/dossiers", {**filing(world), "order": {**filing(world)["order"], "signed_on": "2026-02-30"}}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "order.signed_on"
    assert "date" in response.json()["message"]
    assert world.supplier.post("/dossiers", "{", content_type="application/json").status_code in (400, 422)
    unauthenticated = world.supplier.client.get("/api/dossiers")
    assert unauthenticated.status_code == 401
    assert "Authentification" in unauthenticated.json()["message"]


def test_money_constraints_in_the_database(world):
    (dossier_id,) = file_validate_pay(world, world.professionals[:1])
    dossier = Dossier.objects.get(pk=dossier_id)
    dossier.paid_advance = Decimal("108.00") * 2
    with pytest.raises(IntegrityError), transaction.atomic():
        dossier.save()
    dossier.refresh_from_db()
    from sons.payments.models import Payment

    payment = Payment.objects.get(dossier=dossier)
    duplicate = Payment(dossier=dossier, kind=payment.kind, amount=payment.amount, batch=payment.batch)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # A second batch finds nothing left to pay.
    assert world.paying_agent.post("/payments/batches").json() == {
        "message": "Aucune demande validée à payer."
    }
    assert DeMinimisAid.objects.filter(dossier=dossier, source="platform").count() == 1


def test_rejected_batch_makes_requests_payable_again(world):
    ids = [
        world.supplier.post("/dossiers", filing(world, rpps=p.rpps)).json()["id"]
        for p in world.professionals[:2]
    ]
    join_through_api(world.supplier, "advance", *ids)
    world.instructor.post("/instruction/decisions", {"dossier_ids": ids, "decision": "validate"})
    first = world.paying_agent.post("/payments/batches").json()
    assert world.paying_agent.post(f"/payments/batches/{first['id']}/reject").json()["state"] == "rejected"
    second = world.paying_agent.post("/payments/batches").json()
    assert (second["payments"], second["total"]) == (2, "216.00")
    world.paying_agent.post(f"/payments/batches/{second['id']}/send")
    assert world.paying_agent.post(f"/payments/batches/{first['id']}/confirm").status_code == 409

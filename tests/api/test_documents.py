"""Model and letter endpoints: PDF to the dossier's supplier and to staff, 404 to another supplier."""

from datetime import date
from decimal import Decimal

import pytest

from sons.recoveries.enums import RecoveryGround
from sons.recoveries.models import RecoveryCase
from tests.declarations import redeclare
from tests.documents.pdfs import filed, pdf_text


@pytest.fixture
def dossier(world):
    return filed(world)


@pytest.mark.parametrize("kind", ["order", "va", "pv", "invoice", "end-of-service"])
def test_supplier_and_staff_get_the_model(world, dossier, kind):
    for api in (world.supplier, world.instructor):
        response = api.get(f"/dossiers/{dossier.pk}/models/{kind}")
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert response.content.startswith(b"%PDF-")
    assert world.supplier.get(f"/dossiers/{dossier.pk}/models/{kind}").content == response.content


@pytest.mark.parametrize("kind", ["order", "invoice"])
def test_another_supplier_gets_404_on_models(world, dossier, kind):
    response = world.other_supplier.get(f"/dossiers/{dossier.pk}/models/{kind}")
    assert response.status_code == 404
    assert response.json()["message"] == "Introuvable."


def test_unknown_model_is_422_naming_the_kind(world, dossier):
    response = world.supplier.get(f"/dossiers/{dossier.pk}/models/devis")
    assert response.status_code == 422
    assert response.json()["field"] == "kind"
    assert response.json()["message"].startswith("Modèle inconnu ; modèles disponibles : order, va, pv")


def test_zero_amount_order_is_refused_in_french(world, dossier):
    redeclare(dossier, order={"lines": [{"label": "Prestation Ségur", "amount": "0.00"}]})
    response = world.supplier.get(f"/dossiers/{dossier.pk}/models/order")
    assert response.status_code == 422
    assert "égal à zéro" in response.json()["message"]


@pytest.fixture
def case(dossier):
    dossier.paid_advance = Decimal("108.00")
    dossier.save()
    return RecoveryCase.objects.create(
        dossier=dossier, ground=RecoveryGround.NOT_COMPLETED_AT_DATE_5, amount=Decimal("108.00"),
        opened_on=date(2028, 2, 16),
    )  # fmt: skip


def test_formal_notice_letter(world, case):
    response = world.instructor.get(f"/recoveries/{case.pk}/letters/formal-notice")
    assert response.status_code == 200, response.content
    text = " ".join(pdf_text(response.content).split())
    assert "Mise en demeure" in text
    assert "Manquement constaté : Prestation non réalisée à la Date 5." in text
    assert (
        "remédier aux manquements constatés ou de présenter vos observations dans un délai de 30 jours"
        in text
    )
    assert "soit au plus 108,00 €" in text


def test_repayment_order_requires_an_unsuccessful_formal_notice(world, case):
    response = world.instructor.get(f"/recoveries/{case.pk}/letters/repayment-order")
    assert response.status_code == 409
    assert "mise en demeure préalable" in response.json()["message"]
    case.formal_notice_sent_on, case.repayment_ordered_on = date(2028, 2, 20), date(2028, 3, 25)
    case.save()
    response = world.paying_agent.get(f"/recoveries/{case.pk}/letters/repayment-order")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "Ordre de reversement" in text
    assert "La mise en demeure du 20/02/2028 est restée infructueuse." in text
    assert "L'ASP ordonne le reversement de la somme de 108,00 €, dont 108,00 € restant à reverser." in text


def test_letters_are_for_the_asp_only(world, case):
    assert world.supplier.get(f"/recoveries/{case.pk}/letters/formal-notice").status_code == 403
    assert world.other_supplier.get(f"/recoveries/{case.pk}/letters/formal-notice").status_code == 403
    assert world.instructor.get(f"/recoveries/{case.pk}/letters/relance").status_code == 422
    assert world.instructor.get("/recoveries/999999/letters/formal-notice").status_code == 404

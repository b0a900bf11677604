"""One declaration of the dossier: the supplier's client, order and balance request in the contract's own shape
(sons.rules.contract, `sons schema`), read once for every door, kept as declared, handed to the rules typed."""

from datetime import date
from decimal import Decimal

import pytest

from sons.dossiers import declaration
from sons.dossiers.actions import file_one
from sons.dossiers.snapshot import snapshot
from sons.errors import Invalid
from sons.rules import contract
from tests.db_factories import DossierFactory, ProfessionalFactory, enrolled_publisher_version, supplier_token
from tests.declarations import BALANCE, order

pytestmark = pytest.mark.django_db


def filing(version, rpps, **order_changes) -> dict:
    return {"client": {"rpps": rpps, "de_minimis_other_aid": "0.00"}, "solution_version_id": version.pk,
            "order": order(**order_changes)}  # fmt: skip


def test_the_declaration_is_the_contracts_sections():
    schema = declaration.schema()
    assert schema["properties"]["order"] == contract.ORDER.schema()
    assert set(schema["properties"]["balance"]["properties"]) <= set(contract.BALANCE.fields)
    assert declaration.read_balance(BALANCE)["va"]["signed_on"] == date(2027, 12, 5)


def test_the_dossier_keeps_what_was_declared_and_the_rules_get_real_values(today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    supplier = supplier_token(version.solution.publisher.organisation)[0]
    dossier = file_one(supplier, filing(version, ProfessionalFactory().rpps))
    assert dossier.declaration["order"]["signed_on"] == "2026-08-10"  # kept as JSON…
    assert dossier.declaration["order"]["mention_conditional_referencing"] is False  # …under its one name
    assert dossier.order_signed_on == date(2026, 8, 10)  # the column the queues read
    facts = snapshot(dossier, "advance", date(2026, 9, 1))
    assert facts["order"]["signed_on"] == date(2026, 8, 10)  # …and handed to the rules typed
    assert facts["order"]["lines"][0]["amount"] == Decimal("270.00")
    assert facts["client"]["de_minimis_aids"][0]["amount"] == Decimal(
        "0.00"
    )  # the declared aid, in the register


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signed_on": "2026-13-01"}, "order.signed_on"),
        ({"vat_rate": "19.6"}, "order.vat_rate"),
        ({"lines": [{"label": "Prestation\x00Ségur", "amount": "270.00"}]}, "order.lines[0].label"),
        ({"lines": [{"label": "x" * 5001, "amount": "270.00"}]}, "order.lines[0].label"),
        ({"lines": [{"label": "Prestation Ségur", "amount": "270.001"}]}, "order.lines[0].amount"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(today, change, field):
    today("2026-09-01")
    version = enrolled_publisher_version()
    supplier = supplier_token(version.solution.publisher.organisation)[0]
    with pytest.raises(Invalid) as refused:
        file_one(supplier, filing(version, ProfessionalFactory().rpps, **change))
    assert refused.value.field == field and refused.value.status == 422


def test_a_balance_request_joins_the_declaration(today):
    today("2026-09-01")
    dossier = DossierFactory(balance_filed=True)
    balance = dossier.declared["balance"]
    assert (balance["completed_on"], balance["invoice"]["amount"]) == (date(2026, 10, 1), Decimal("270.00"))
    facts = snapshot(dossier, "balance", date(2026, 10, 20))
    assert facts["balance"]["advance_paid"] == Decimal("108.00") and facts["balance"]["advance_validated"]

"""The contract's parser: the JSON form and the platform's own values (`date`, `Decimal`) give the same facts."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from sons.rules import InvalidDossier, parse_dossier
from tests.factories import balance_request


def _platform_form(data: dict) -> dict:
    """The same dossier with real dates and amounts, as the platform hands it over."""
    data["filed_on"] = date.fromisoformat(data["filed_on"])
    data["order"]["signed_on"] = date.fromisoformat(data["order"]["signed_on"])
    data["order"]["lines"] = [{"label": "Prestation Ségur", "amount": Decimal("270.00")}]
    data["balance"]["invoice"]["amount"] = Decimal("270.00")
    data["balance"]["va"]["signed_on"] = date(2027, 12, 5)
    return data


def test_dates_and_decimals_are_read_as_they_are():
    assert parse_dossier(_platform_form(balance_request())) == parse_dossier(balance_request())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("270.001"), "au plus deux décimales"),
        (Decimal("NaN"), "au plus deux décimales"),
        (Decimal("1E+12"), "au plus deux décimales"),
    ],
)
def test_a_decimal_beyond_the_cent_or_the_bounds_is_refused(value, message):
    data = balance_request()
    data["balance"]["invoice"]["amount"] = value
    with pytest.raises(InvalidDossier, match=message) as error:
        parse_dossier(data)
    assert error.value.path == "balance.invoice.amount"


def test_a_datetime_is_not_a_day():
    data = balance_request()
    data["filed_on"] = datetime(2027, 12, 10, 9, 30)
    with pytest.raises(InvalidDossier, match="AAAA-MM-JJ") as error:
        parse_dossier(data)
    assert error.value.path == "filed_on"


@pytest.mark.parametrize(
    ("change", "path", "hint"),
    [
        (
            lambda d: d["order"].update(signed_at="2026-08-10"),
            "order.signed_at",
            "vouliez-vous dire « signed_on »",
        ),
        (lambda d: d["balance"]["va"].update(fonctions=[]), "balance.va.fonctions", "functions"),
        (lambda d: d["order"]["lines"][0].update(montant="1"), "order.lines[0].montant", "amount"),
        (lambda d: d.update(commentaire="x"), "commentaire", "champs admis"),
    ],
)
def test_an_unknown_field_is_refused_by_both_parsers(change, path, hint):
    """A misspelt field is never dropped: the declared parser and the batch's generated one refuse it alike."""
    from sons.rules.contract import UnknownField
    from sons.rules.fastparse import parse_dossier_fast

    data = balance_request()
    change(data)
    for parse in (parse_dossier, parse_dossier_fast):
        with pytest.raises(UnknownField, match=hint) as error:
            parse(data)
        assert error.value.path == path


def test_the_platform_fields_are_read_and_left_to_the_platform():
    data = {**balance_request(), "solution_version_id": 3, "supplier_reference": "CMD-1"}
    assert parse_dossier(data)["supplier_reference"] == "CMD-1"
    with pytest.raises(InvalidDossier, match="1 à 100 caractères"):
        parse_dossier({**data, "supplier_reference": "x" * 101})

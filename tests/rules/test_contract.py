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

"""§5.1 de minimis register: the client's declaration plus this platform's payments over three years."""

from datetime import date
from decimal import Decimal

import pytest

from sons.directory.enums import AidSource
from sons.directory.models import DeMinimisAid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("granted_on", "counted"),
    [
        (date(2023, 9, 1), False),
        (date(2023, 9, 2), True),
        (date(2026, 9, 1), True),
        (date(2026, 9, 2), False),
    ],
    ids=["three-years-ago", "the-day-after", "today", "tomorrow"],
)
def test_rolling_three_year_window(granted_on, counted):
    DeMinimisAid.objects.create(client_key="rpps:1", amount=Decimal("100.00"), granted_on=granted_on,
                                source=AidSource.PLATFORM)  # fmt: skip
    total = DeMinimisAid.objects.in_window(date(2026, 9, 1), 3).filter(client_key="rpps:1").total()
    assert total == (Decimal("100.00") if counted else Decimal("0.00"))

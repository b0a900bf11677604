"""The calendar of §2: Date 0 + n months, French civil computation."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .codes import CALENDAR_DATES
from .params import Snapshot


def add_months(start: date, months: int) -> date:
    """Same day of the month `months` later, or the month's last day when it has no such day."""
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


class CalendarOutOfRange(ValueError):
    """A Date 0 whose calendar leaves the dates Python can hold (years 1 to 9999): bad input, not a fault."""

    def __init__(self, date_0: date):
        super().__init__(
            f"Date 0 hors du calendrier calculable : avec le {date_0.day:02d}/{date_0.month:02d}/{date_0.year:04d}, les "
            "Dates 1 à 6 sortiraient des "
            "années 1 à 9999."
        )


@dataclass(frozen=True, slots=True)
class Calendar:
    date_0: date
    date_1: date
    date_2: date
    date_3: date
    date_4: date
    date_5: date
    date_6: date
    order_signature_from: date
    exception_from: date

    def as_dict(self) -> dict[str, date]:
        return {name: getattr(self, name) for name in self.__slots__}


LABELS = dict(CALENDAR_DATES.choices)


def build_calendar(date_0: date, p: Snapshot) -> Calendar:
    """The calendar for `date_0` under the parameters `p`."""
    calendar = p.calendars.get(date_0)
    if calendar is None:
        calendar = p.calendars[date_0] = _calendar(date_0, p)
    return calendar


def _calendar(date_0: date, p: Snapshot) -> Calendar:
    offsets = p.date_offsets_months
    try:
        return _build(
            date_0,
            tuple(offsets[f"date_{i}"] for i in range(1, 7)),
            p.order_signature_from_months,
            p.exception_days_before_date_4,
        )
    except (ValueError, OverflowError):
        raise CalendarOutOfRange(date_0) from None


@lru_cache(maxsize=256)
def _build(date_0: date, offsets: tuple[int, ...], signature_months: int, exception_days: int) -> Calendar:
    dates = [add_months(date_0, n) for n in offsets]
    return Calendar(
        date_0,
        *dates,
        order_signature_from=add_months(date_0, signature_months),
        exception_from=dates[3] - timedelta(days=exception_days),
    )

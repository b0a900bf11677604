"""§2 calendar: Date 0 + n months keeps the day or clamps to the month's end."""

from datetime import date

import pytest

from sons.rules import load_parameters
from sons.rules.calendar import CalendarOutOfRange, add_months, build_calendar

P = load_parameters().at(date(2026, 1, 1))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 7, 31), 7, date(2026, 2, 28)),
        (date(2025, 6, 15), 7, date(2026, 1, 15)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 31), 35, date(2028, 2, 29)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_calendar_of_an_ordinary_date_0():
    calendar = build_calendar(date(2025, 6, 15), P)
    assert calendar.as_dict() == {
        "date_0": date(2025, 6, 15),
        "date_1": date(2026, 1, 15),
        "date_2": date(2027, 4, 15),
        "date_3": date(2027, 7, 15),
        "date_4": date(2027, 10, 15),
        "date_5": date(2028, 2, 15),
        "date_6": date(2028, 5, 15),
        "order_signature_from": date(2026, 6, 15),
        "exception_from": date(2027, 9, 30),
    }


def test_calendar_of_a_month_end_date_0():
    calendar = build_calendar(date(2025, 7, 31), P)
    assert calendar.date_1 == date(2026, 2, 28)
    assert calendar.date_2 == date(2027, 5, 31)
    assert calendar.date_3 == date(2027, 8, 31)
    assert calendar.date_4 == date(2027, 11, 30)
    assert calendar.date_5 == date(2028, 3, 31)
    assert calendar.date_6 == date(2028, 6, 30)
    assert calendar.order_signature_from == date(2026, 7, 31)
    assert calendar.exception_from == date(2027, 11, 15)


def test_calendar_landing_on_29_february():
    # 2025-10-31 + 28 months = 2028-02-29 (leap year); Date 4 − 15 days = 2028-02-14.
    calendar = build_calendar(date(2025, 10, 31), P)
    assert calendar.date_4 == date(2028, 2, 29)
    assert calendar.exception_from == date(2028, 2, 14)
    assert calendar.date_5 == date(2028, 6, 30)


def test_an_amended_offset_applies_from_its_effective_date():
    parameters = load_parameters().with_value(
        "date_offsets_months",
        date(2027, 1, 1),
        {"date_1": 7, "date_2": 22, "date_3": 25, "date_4": 30, "date_5": 34, "date_6": 37},
        "arrêté modificatif fictif, pour le test",
    )
    before = build_calendar(date(2025, 6, 15), parameters.at(date(2026, 12, 31)))
    after = build_calendar(date(2025, 6, 15), parameters.at(date(2027, 1, 1)))
    assert before.date_4 == date(2027, 10, 15)
    assert after.date_4 == date(2027, 12, 15)


def test_next_deadline_is_the_earliest_listed_and_the_first_listed_on_a_tie():
    from sons.rules.deadlines import next_deadline

    days = {"a": date(2027, 1, 2), "b": date(2027, 1, 1), "c": date(2027, 1, 1)}
    assert next_deadline(days, ("a", "b", "c")) == {"name": "b", "date": date(2027, 1, 1)}
    assert next_deadline(days, ("c", "b")) == {"name": "c", "date": date(2027, 1, 1)}
    assert next_deadline(days, ("a", "b"), on=date(2027, 1, 2)) == {"name": "a", "date": date(2027, 1, 2)}
    assert next_deadline(days, ("b",), on=date(2027, 1, 2)) is None
    assert next_deadline(days, ("x",)) is None


def test_a_calendar_beyond_the_year_9999_is_refused_in_french():
    p = load_parameters().at(date(2026, 1, 1))
    build_calendar(date(9990, 1, 31), p)  # Date 6 still in 9999 or before: computable
    with pytest.raises(CalendarOutOfRange, match="Date 0 hors du calendrier calculable : avec le 31/12/9999"):
        build_calendar(date(9999, 12, 31), p)

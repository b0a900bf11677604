"""A dossier's deadlines (§2, §4.3, §6.2, §6.4), computed once, named once (`codes.DEADLINES`).

The simulator's output, the platform's dossier page, its API, its exports and its daily command all
read these names and their labels.
"""

from __future__ import annotations

from datetime import date, timedelta

from .calendar import Calendar
from .order import signed_before


def calendar_deadlines(cal: Calendar) -> dict[str, date]:
    """The deadlines every dossier shares, from the §2 calendar."""
    return {
        "date_0": cal.date_0,
        "order_signature_from": cal.order_signature_from,
        "order_signature_until": cal.date_4,
        "advance_request_until": cal.date_4,
        "exception_from": cal.exception_from,
        "service_completion_until": cal.date_5,
        "end_of_service_attestation_until": cal.date_5,
        "balance_request_until": cal.date_6,
    }


def complete_dossier_until(
    order_signed_on: date | None,
    referencing: str | None,
    referenced_on: date | None,
    complete_dossier_on: date | None,
    conditional_order_days: int,
) -> date | None:
    """§4.3: an order signed before the referencing, while no complete dossier is filed yet, gives the
    publisher 120 calendar days from the signature to file it."""
    if complete_dossier_on is not None or not signed_before(order_signed_on, referencing, referenced_on):
        return None
    return order_signed_on + timedelta(days=conditional_order_days)


def dossier_deadlines(
    cal: Calendar,
    conditional_order_days: int,
    *,
    order_signed_on: date | None,
    referencing: str | None,
    referenced_on: date | None,
    complete_dossier_on: date | None,
    base: dict[str, date] | None = None,
) -> dict[str, date]:
    """Every deadline of one dossier (`base`: the calendar's, when the caller already holds them)."""
    result = dict(base if base is not None else calendar_deadlines(cal))
    until = complete_dossier_until(
        order_signed_on, referencing, referenced_on, complete_dossier_on, conditional_order_days
    )
    if until is not None:
        result["complete_dossier_until"] = until
    return result


def next_deadline(deadlines: dict[str, date], names, on: date | None = None) -> dict | None:
    """The earliest of `names` (on or after `on` when given); on equal dates the first listed wins."""
    found = None
    for name in names:
        day = deadlines.get(name)
        if day is None or (on is not None and day < on):
            continue
        if found is None or day < found["date"]:
            found = {"name": name, "date": day}
    return found

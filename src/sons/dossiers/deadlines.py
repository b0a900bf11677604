"""A dossier's deadlines, from the rules' calendar and the dossier's own dates."""

from datetime import timedelta

from sons import clock
from sons.rules import load_parameters
from sons.rules.calendar import build_calendar
from sons.rules.order import signed_before

from .enums import DossierState as S
from .models import Dossier

# Which deadline matters next, by state (§2, §4.3, §4.4, §6.2, §6.4).
RELEVANT = {
    S.DRAFT: ("conditional_order_until", "advance_request_until"),
    S.ADVANCE_FILED: ("conditional_order_until",),
    S.ADVANCE_TO_COMPLETE: ("conditional_order_until", "advance_request_until"),
    S.ADVANCE_SUBJECT_TO_REFERENCING: ("service_completion_until",),
    S.ADVANCE_VALIDATED: ("service_completion_until",),
    S.ADVANCE_PAID: ("service_completion_until", "balance_request_until"),
    S.BALANCE_TO_COMPLETE: ("balance_request_until",),
}


def deadlines_of(dossier: Dossier) -> dict:
    today = clock.today()
    p = load_parameters().at(today)
    calendar = build_calendar(p.date_0, p)
    result = {
        "advance_request_until": calendar.date_4,
        "service_completion_until": calendar.date_5,
        "balance_request_until": calendar.date_6,
    }
    version = dossier.solution_version
    signed = dossier.order_signed_on
    if signed_before(signed, version.referencing, version.referenced_on) and not version.complete_dossier_on:
        result["conditional_order_until"] = signed + timedelta(days=p.conditional_order_days)
    if dossier.state == S.ADVANCE_PAID and dossier.end_of_service_attested_on:
        relevant = ("balance_request_until",)
    else:
        relevant = RELEVANT.get(dossier.state, ())
    upcoming = sorted((result[name], name) for name in relevant if name in result)
    if upcoming:
        day, name = upcoming[0]
        result["next"] = {"name": name, "date": day}
    return result

"""A dossier's deadlines, as the rules compute and name them (`sons.rules.deadlines`, `codes.DEADLINES`): the
pages show them with their French label, never their code."""

from sons import clock
from sons.rules import load_parameters
from sons.rules.calendar import build_calendar
from sons.rules.codes import DEADLINES
from sons.rules.deadlines import dossier_deadlines, next_deadline

from .enums import DossierState as S
from .models import Dossier

# The deadlines a dossier's page shows, and which one matters next in each state (§2, §4.3, §4.4, §6.2, §6.4).
SHOWN = (
    "complete_dossier_until",
    "advance_request_until",
    "service_completion_until",
    "balance_request_until",
)
RELEVANT = {
    S.DRAFT: ("complete_dossier_until", "advance_request_until"),
    S.ADVANCE_FILED: ("complete_dossier_until",),
    S.ADVANCE_TO_COMPLETE: ("complete_dossier_until", "advance_request_until"),
    S.ADVANCE_SUBJECT_TO_REFERENCING: ("service_completion_until",),
    S.ADVANCE_VALIDATED: ("service_completion_until",),
    S.ADVANCE_PAID: ("service_completion_until", "balance_request_until"),
    S.BALANCE_TO_COMPLETE: ("balance_request_until",),
}


def labelled(deadlines: dict) -> list[dict]:
    """[{name, label, date}] in date order, `next` left aside."""
    rows = [
        {"name": name, "label": DEADLINES.label(name), "date": day}
        for name, day in deadlines.items()
        if name != "next"
    ]
    return sorted(rows, key=lambda row: row["date"])


def next_of(deadlines: dict) -> dict | None:
    """The one that matters next, labelled, or None."""
    following = deadlines.get("next")
    return {**following, "label": DEADLINES.label(following["name"])} if following else None


def deadlines_of(dossier: Dossier) -> dict:
    p = load_parameters().at(clock.today())
    version = dossier.solution_version
    every = dossier_deadlines(
        build_calendar(p.date_0, p),
        p.conditional_order_days,
        order_signed_on=dossier.order_signed_on,
        referencing=version.referencing,
        referenced_on=version.referenced_on,
        complete_dossier_on=version.complete_dossier_on,
    )
    result: dict = {name: every[name] for name in SHOWN if name in every}
    if dossier.state == S.ADVANCE_PAID and dossier.end_of_service_attested_on:
        relevant = ("balance_request_until",)
    else:
        relevant = RELEVANT.get(dossier.state, ())
    upcoming = next_deadline(result, relevant)
    if upcoming is not None:
        result["next"] = upcoming
    return result

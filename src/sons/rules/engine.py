"""Evaluation: build the context, run the rules of the request, decide, explain.

This is the one place where decisions are computed; the CLI, the portal and the API call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

# Each module registers its rules when imported; the order of evaluation does not depend on these imports.
from . import amounts as _amounts  # noqa: F401
from . import client as _client  # noqa: F401
from . import order as _order  # noqa: F401
from . import recovery as _recovery  # noqa: F401
from . import requests as _requests  # noqa: F401
from . import supplier as _supplier  # noqa: F401
from .calendar import Calendar, CalendarOutOfRange, build_calendar
from .codes import DECISIONS, REQUESTS
from .contract import DISPOSITIF, InvalidDossier
from .core import BLOCKING, Finding, Trace, run
from .deadlines import calendar_deadlines, complete_dossier_until, next_deadline
from .money import euros
from .params import ParameterSet, load

ADMISSIBLE = "admissible"
ADMISSIBLE_SUBJECT_TO_REFERENCING = "admissible_subject_to_referencing"
NOT_ADMISSIBLE = "not_admissible"
DECISION_LABELS = dict(DECISIONS.choices)
# In a sentence: « demande de solde déposée le … ».
REQUEST_LABELS = {code: label[0].lower() + label[1:] for code, label in REQUESTS.choices}


class DossierContext:
    """Facts of one dossier plus the values the computation rules derive from them."""

    __slots__ = (
        "advance", "advance_to_recover", "agreed", "agreed_by_centre", "balance", "balance_due", "cal", "cap",
        "caps", "categories", "category", "centres", "client", "exception_applies", "filed_on", "financed",
        "financed_by_centre", "financing_column", "instructed_on", "is_centre", "order", "order_cap", "order_caps",
        "order_column", "order_financed", "other_lines", "p", "parameters", "request", "segur_amounts",
        "segur_lines", "several_centres", "solution", "supplier", "vat_rate",
    )  # fmt: skip

    def __init__(self, dossier: dict, parameters: ParameterSet, p, cal: Calendar):
        self.request = dossier["request"]
        self.filed_on = dossier["filed_on"]
        self.instructed_on = dossier["financing_instructed_on"] or self.filed_on
        self.parameters = parameters
        self.p = p
        self.cal = cal
        self.supplier = dossier["supplier"]
        self.solution = dossier["solution"]
        self.client = client = dossier["client"]
        self.order = order = dossier["order"]
        self.balance = dossier["balance"]
        self.is_centre = client["kind"] == "centre"
        self.centres = order_centres(client, order) if self.is_centre else ()
        self.several_centres = len(self.centres) > 1
        # The computations, which run first, set the derived values (category, cap, financed amount…);
        # these are read by evaluate() whatever the computations found.
        self.advance_to_recover = self.vat_rate = None
        self.exception_applies = False
        self.financed_by_centre = ()


def order_centres(client: dict, order: dict) -> tuple[dict, ...]:
    """The centres de santé infirmiers of the order (§4.2 « un ou plusieurs »): the client's own, then the
    others the order names, each with the facts the rules read."""
    first = {
        "finess_geo": client["finess_geo"],
        "tranche": client["tranche"],
        "centre_type": client["centre_type"],
        "accord_national_2015": client["accord_national_2015"],
        "staff_declared": client["staff_declared"],
        "other_orders": client["other_orders"],
        "certificate_commitment": order["centre_certificate_commitment"],
    }
    return (first, *client["additional_centres"])


# Not frozen: a frozen dataclass sets each field through object.__setattr__, a cost paid per dossier.
@dataclass(slots=True)
class Amounts:
    cap: Decimal | None
    financed: Decimal | None
    advance: Decimal | None
    balance: Decimal | None
    column: str | None
    advance_to_recover: Decimal | None = None  # §7: an advance paid above the invoiced amount
    vat_rate: str | None = None  # §5.2: the rate in force at instruction, when it differs from the order's
    centres: list[dict] | None = None  # §4.2: an order for several centres, per FINESS géographique

    def as_dict(self) -> dict[str, Any]:
        result = {
            "cap": euros(self.cap),
            "financed": euros(self.financed),
            "advance": euros(self.advance),
            "balance": euros(self.balance),
            "cap_column": self.column if self.cap is not None else None,
        }
        # Added by issue 14, present only when they apply: a dossier without them reads as before.
        if self.advance_to_recover is not None:
            result["advance_to_recover"] = euros(self.advance_to_recover)
        if self.vat_rate is not None:
            result["vat_rate_at_instruction"] = self.vat_rate
        if self.centres is not None:
            result["centres"] = self.centres
        return result


@dataclass(slots=True)
class Evaluation:
    request: str
    evaluated_on: date
    calendar: Calendar
    decision: str
    amounts: Amounts
    findings: list[Finding]
    trace: Trace
    deadlines: dict[str, date]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCKING]

    def as_dict(self, explain: bool = False) -> dict[str, Any]:
        result = {
            "dispositif": DISPOSITIF,
            "request": self.request,
            "evaluated_on": self.evaluated_on,
            "date_0": self.calendar.date_0,
            "decision": self.decision,
            "amounts": self.amounts.as_dict(),
            "findings": [f.as_dict() for f in self.findings],
            "deadlines": self.deadlines,
        }
        if explain:
            result["trace"] = [t.as_dict() for t in self.trace]
        return result


# The deadlines worth announcing after a filing, in the order they fall due.
_UPCOMING = {
    "advance": (
        "order_signature_until",
        "advance_request_until",
        "complete_dossier_until",
        "service_completion_until",
        "end_of_service_attestation_until",
        "balance_request_until",
    ),
    "balance": (
        "complete_dossier_until",
        "service_completion_until",
        "end_of_service_attestation_until",
        "balance_request_until",
    ),
}


def deadlines_for(ctx: DossierContext) -> dict:
    """The dossier's deadlines (`rules.deadlines`) and the next one from its filing date."""
    base = ctx.p.calendar_deadlines.get(ctx.cal)
    if base is None:
        base = ctx.p.calendar_deadlines[ctx.cal] = calendar_deadlines(ctx.cal)
    solution = ctx.solution
    result: dict = dict(
        base
    )  # as rules.deadlines.dossier_deadlines, the calendar's deadlines already at hand
    until = complete_dossier_until(
        ctx.order["signed_on"],
        solution["referencing"],
        solution["referenced_on"],
        solution["complete_dossier_on"],
        ctx.p.conditional_order_days,
    )
    if until is not None:
        result["complete_dossier_until"] = until
    upcoming = next_deadline(result, _UPCOMING[ctx.request], on=ctx.filed_on)
    if upcoming is not None:
        result["next"] = upcoming
    return result


_SEVERITY = itemgetter(2)  # Finding.severity, read in C


def evaluate(dossier: dict, parameters: ParameterSet | None = None, date_0: date | None = None) -> Evaluation:
    """Evaluate a validated dossier (see `contract.parse_dossier`) at its filing date.

    Date 0 is the dossier's own, else `date_0` (a caller's `--date-0`), else the parameter.
    """
    parameters = parameters or load()
    on = dossier["filed_on"]
    p = parameters.at(on)
    try:
        cal = build_calendar(dossier["date_0"] or date_0 or p.date_0, p)
    except CalendarOutOfRange as error:
        raise InvalidDossier("date_0", str(error)) from None
    ctx = DossierContext(dossier, parameters, p, cal)
    trace, findings = run(ctx.request, ctx)
    if BLOCKING in map(_SEVERITY, findings):
        decision = NOT_ADMISSIBLE
    elif ctx.exception_applies and ctx.solution["referencing"] != "granted":
        decision = ADMISSIBLE_SUBJECT_TO_REFERENCING
    else:
        decision = ADMISSIBLE
    amounts = Amounts(ctx.cap, ctx.financed, ctx.advance, ctx.balance_due, ctx.financing_column)
    if ctx.advance_to_recover is not None:
        amounts.advance_to_recover = ctx.advance_to_recover
    if ctx.vat_rate is not None:
        amounts.vat_rate = str(ctx.vat_rate[1])
    if ctx.several_centres:
        amounts.centres = centre_amounts(ctx)
    return Evaluation(ctx.request, on, cal, decision, amounts, findings, trace, deadlines_for(ctx))


def centre_amounts(ctx: DossierContext) -> list[dict]:
    rows = []
    for index, centre in enumerate(ctx.centres):
        cap = ctx.caps[index] if ctx.caps else None
        financed = ctx.financed_by_centre[index] if ctx.financed_by_centre else None
        rows.append({"finess_geo": centre["finess_geo"], "tranche": centre["tranche"], "cap": euros(cap),
                     "financed": euros(financed)})  # fmt: skip
    return rows


# Evaluations of other objects than a dossier: the enrolment file (§6.1), the pilot (§6.3), an
# obsolete-version declaration (§4.3) and a recovery case (§7).


class _Facts:
    def __init__(self, p, cal=None, **values):
        self.p = p
        self.cal = cal
        self.__dict__.update(values)


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    findings: list[Finding]
    trace: Trace


def _outcome(ruleset: str, ctx) -> Outcome:
    trace, findings = run(ruleset, ctx)
    return Outcome(not any(f.severity == BLOCKING for f in findings), findings, trace)


def evaluate_enrolment(enrolment: dict, on: date, parameters: ParameterSet | None = None) -> Outcome:
    """`enrolment` = {"supplier": {role, declared_by_publisher, publisher_mandate, psc_user_service_operator,
    hosts_health_data, hds_certificates, sworn_statement}, "solution": {market, candidature_validated}}."""
    p = (parameters or load()).at(on)
    return _outcome("enrolment", _Facts(p, supplier=enrolment["supplier"], solution=enrolment["solution"]))


def evaluate_pilot(pilot: dict, on: date, parameters: ParameterSet | None = None) -> Outcome:
    """`pilot` = {"clients": [{client, advance_validated, pv_signed}], "training_materials_sent"}."""
    p = (parameters or load()).at(on)
    return _outcome("pilot", _Facts(p, pilot=pilot))


def evaluate_obsolete_version(
    declaration: dict, on: date, date_0: date | None = None, parameters: ParameterSet | None = None
) -> Outcome:
    """`declaration` = {version, version_rank, end_announced_on, versions_at_date_0, already_obsolete,
    latest_in_production_at_date_0, vague_1_version_rank}."""
    p = (parameters or load()).at(on)
    cal = build_calendar(date_0 or p.date_0, p)
    return _outcome("obsolete_version", _Facts(p, cal, declaration=declaration))


@dataclass(frozen=True, slots=True)
class RecoveryEvaluation:
    step: str  # none | formal_notice | awaiting_observations | repayment_order | cancelled
    amount: Decimal
    grounds: dict[str, Decimal]
    findings: list[Finding]
    trace: Trace


def evaluate_recovery(
    facts: dict, today: date, date_0: date | None = None, parameters: ParameterSet | None = None
) -> RecoveryEvaluation:
    """`facts` = {advance_paid, balance_paid, balance_filed_on, end_of_service_attested_on,
    incapacity_declared_on, erroneous_declaration_amount, referencing_withdrawn_on, formal_notice_sent_on,
    remedied} and, optionally, advance_to_recover (the balance's evaluation: an advance above the invoice)."""
    p = (parameters or load()).at(today)
    cal = build_calendar(date_0 or p.date_0, p)
    paid = facts["advance_paid"] + facts["balance_paid"]
    ctx = _Facts(p, cal, facts=facts, today=today, paid=paid, grounds={}, step="none")
    trace, findings = run("recovery", ctx)
    amount = min(max(ctx.grounds.values(), default=Decimal("0.00")), paid)
    if ctx.step == "cancelled":
        amount = Decimal("0.00")
    return RecoveryEvaluation(ctx.step, amount, dict(ctx.grounds), findings, trace)

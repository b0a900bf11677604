"""Rule machinery: one small function per provision, registered with its AF section.

A rule returns a `Check`; the engine turns failed and unknown checks into findings and keeps
every check in the trace (publicodes-style: the explanation is data).

Order of evaluation, whatever the order in which modules are imported: the computations first, in
their declared `step` (each stores on the context what the conditions read: the cap, the financed
amount…), then the conditions by AF section (4.1, 4.2, 4.3…), in the order of their module's text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, count
from operator import itemgetter
from typing import Any, NamedTuple

from .codes import CHECK_STATUSES, SEVERITIES

BLOCKING = "blocking"
WARNING = "warning"
INFO = "info"

PASSED = "passed"
FAILED = "failed"
NOT_APPLICABLE = "not_applicable"
UNKNOWN = "unknown"
COMPUTED = "computed"

OUTCOME_LABELS = dict(CHECK_STATUSES.choices)
SEVERITY_LABELS = dict(SEVERITIES.choices)


class Check(NamedTuple):
    """What a rule found. `outcome` is always one of the module's constants (compared by identity)."""

    outcome: str
    message: str | None
    facts: dict[str, Any]
    note: str | None = None  # an information worth showing even when the rule passes
    value: Any = None
    reported: bool = False  # failed, unknown, or a note: the check becomes a finding


# The constructors below build the tuple directly: tens of thousands of dossiers a second go
# through them, and NamedTuple's generated __new__ would add a Python frame to each.
_new = tuple.__new__


def passed(facts: dict, note: str | None = None, value: Any = None) -> Check:
    return _new(Check, (PASSED, None, facts, note, value, note is not None))


def failed(message: str, facts: dict, value: Any = None) -> Check:
    return _new(Check, (FAILED, message, facts, None, value, True))


def unknown(message: str, facts: dict) -> Check:
    return _new(Check, (UNKNOWN, message, facts, None, None, True))


def not_applicable(reason: str, facts: dict | None = None) -> Check:
    return _new(Check, (NOT_APPLICABLE, reason, facts or {}, None, None, False))


def computed(value: Any, facts: dict, note: str | None = None) -> Check:
    return _new(Check, (COMPUTED, None, facts, note, value, note is not None))


def confirmed(fact: str, value: bool | None, missing: str, refused: str) -> Check:
    """The check of a condition that is one declared yes/no fact: unknown when null, failed when no."""
    facts = {fact: value}
    if value is None:
        return unknown(missing, facts)
    if not value:
        return failed(refused, facts)
    return passed(facts)


def section_key(section: str) -> tuple[int, ...]:
    """ "4.3" → (4, 3), so that 4.10 would follow 4.9."""
    return tuple(int(part) for part in section.split("."))


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    section: str
    ruleset: str
    severity: str | dict[str, str]
    function: Callable[[Any], Check]
    doc: str
    step: int | None = None  # a computation's place among the computations; None: a condition
    if_unknown: str | None = None  # the severity of an unknown fact, when it differs from a failure's

    @property
    def is_computation(self) -> bool:
        return self.step is not None

    def evaluation_order(self) -> tuple:
        if self.step is not None:
            return (0, self.step)
        code = self.function.__code__
        return (1, section_key(self.section), self.function.__module__, code.co_firstlineno)

    def severity_for(self, request: str) -> str:
        if isinstance(self.severity, dict):
            return self.severity[request]
        return self.severity

    def unknown_severity_for(self, request: str) -> str:
        return self.if_unknown or self.severity_for(request)


class Finding(NamedTuple):
    rule: str
    section: str
    severity: str
    message: str
    facts: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "section": self.section,
            "severity": self.severity,
            "message": self.message,
            "facts": self.facts,
        }


class TraceEntry(NamedTuple):
    """One evaluated rule: what the explanation shows."""

    rule: Rule
    check: Check
    severity: str

    def as_dict(self) -> dict[str, Any]:
        check = self.check
        return {
            "rule": self.rule.name,
            "section": self.rule.section,
            "outcome": check.outcome,
            "severity": self.severity,
            "message": check.message or check.note,
            "facts": check.facts,
            "value": check.value,
        }


REGISTRY: dict[str, list[Rule]] = {}
RULES_BY_NAME: dict[str, Rule] = {}


def rule(
    section: str,
    *rulesets: str,
    severity: str | dict[str, str] = BLOCKING,
    step: int | None = None,
    if_unknown: str | None = None,
):
    """Register a provision's rule (a condition) for the rulesets (requests) it governs; `if_unknown`: the
    severity of a missing fact when it is not the severity of a failure."""

    def register(function: Callable[[Any], Check]) -> Callable[[Any], Check]:
        name = function.__name__
        if name in RULES_BY_NAME:
            raise ValueError(f"Règle déclarée deux fois : {name}")
        for ruleset in rulesets:
            doc = (function.__doc__ or "").strip()
            entry = Rule(name, section, ruleset, severity, function, doc, step, if_unknown)
            REGISTRY.setdefault(ruleset, []).append(entry)
            RULES_BY_NAME.setdefault(name, entry)
        return function

    return register


def computation(section: str, *rulesets: str, step: int, severity: str | dict[str, str] = BLOCKING):
    """Register a computation: it runs at its `step`, before every condition, and stores its result on
    the context for the rules that follow."""
    return rule(section, *rulesets, severity=severity, step=step)


def evaluation_order(ruleset: str) -> list[Rule]:
    """The rules of `ruleset` in the order they are evaluated (see the module's docstring)."""
    return sorted(REGISTRY[ruleset], key=Rule.evaluation_order)


class Plan(NamedTuple):
    """The rules of a request in their order of evaluation, with their severity when failed and when
    unknown; `functions` apart, for the loop that calls tens of thousands of them a second."""

    rules: tuple[tuple[Rule, str, str], ...]
    functions: tuple[Callable[[Any], Check], ...]


_PLANS: dict[tuple[str, str], Plan] = {}


def _plan(ruleset: str, request: str) -> Plan:
    plan = _PLANS.get((ruleset, request))
    if plan is None:
        entries = evaluation_order(ruleset)
        rules = tuple(
            (entry, entry.severity_for(request), entry.unknown_severity_for(request)) for entry in entries
        )
        plan = _PLANS[(ruleset, request)] = Plan(rules, tuple(entry.function for entry in entries))
    return plan


class Trace:
    """Every rule evaluated, in order: the plan's rules beside their checks, paired when read."""

    __slots__ = ("checks", "plan")

    def __init__(self, plan: Plan, checks: list[Check]):
        self.plan = plan
        self.checks = checks

    def __iter__(self):
        for (rule, severity, if_unknown), check in zip(self.plan.rules, self.checks, strict=True):
            yield TraceEntry(rule, check, if_unknown if check.outcome is UNKNOWN else severity)

    def __len__(self) -> int:
        return len(self.checks)

    def __getitem__(self, name: str) -> TraceEntry:
        for entry in self:
            if entry.rule.name == name:
                return entry
        raise KeyError(name)


def run(ruleset: str, ctx: Any, request: str | None = None) -> tuple[Trace, list[Finding]]:
    """Evaluate every rule of `ruleset` in the order of evaluation."""
    plan = _plan(ruleset, request or ruleset)
    # Every rule in order (each may read what the computations before it stored on `ctx`), then a
    # finding for each check reported; some fifty rules run per dossier, so the loops are tight and
    # the search for the reported checks is left to C (compress).
    checks: list[Check] = [function(ctx) for function in plan.functions]
    findings: list[Finding] = []
    rules = plan.rules
    for index in compress(count(), map(_REPORTED, checks)):
        check = checks[index]
        entry, severity, if_unknown = rules[index]
        outcome = check[0]
        if outcome is FAILED:
            findings.append(_new(Finding, (entry.name, entry.section, severity, check[1], check[2])))
        elif outcome is UNKNOWN:
            findings.append(_new(Finding, (entry.name, entry.section, if_unknown, check[1], check[2])))
        else:
            findings.append(_new(Finding, (entry.name, entry.section, INFO, check[3], check[2])))
    return Trace(plan, checks), findings


_REPORTED = itemgetter(5)

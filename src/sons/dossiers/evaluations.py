"""One evaluation per decision, kept as it was decided: the rules run on the dossier's facts (snapshot.py) at a
filing, an answer, a validation; the result is stored with its trace (models.Evaluation) and copied onto the
dossier for the queues (decision, findings, amounts). The pages show the stored one; « Réévaluer » shows, side
by side, what the rules would say today (a directory change, a referencing decision…), without storing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sons import clock
from sons.rules import Evaluation as RulesEvaluation

from .models import Dossier, Evaluation
from .snapshot import evaluate_dossier


def trace_of(evaluation: RulesEvaluation) -> list[list]:
    """The rules' trace (of an evaluation, or of an enrolment, pilot or obsolete-version outcome) as stored."""
    return [[t.rule.name, t.rule.section, t.check.outcome, t.severity, t.check.message or t.check.note or ""]
            for t in evaluation.trace]  # fmt: skip


def record(dossier: Dossier, evaluation: RulesEvaluation, step: str, now=None) -> Evaluation:
    """The evaluation as the dossier keeps it (copied onto the dossier; the row unsaved, its caller saves it)."""
    now = now or clock.now()
    findings = [finding.as_dict() for finding in evaluation.findings]
    amounts = evaluation.amounts
    dossier.decision, dossier.findings, dossier.evaluated_at = evaluation.decision, findings, now
    dossier.cap, dossier.financed = amounts.cap, amounts.financed
    dossier.advance_amount, dossier.balance_amount = amounts.advance, amounts.balance
    paid = dossier.paid_advance + dossier.paid_balance
    if amounts.financed is not None and amounts.financed < paid:
        # An invoice below the advance paid (§5.1): the excess is to be recovered (§7, the balance's finding says
        # how much); until a recovery case holds it, the amount financed stays the amount paid, which the
        # ledger's constraint (paid ≤ financed) requires.
        dossier.financed = paid
    return Evaluation(
        dossier=dossier, step=step, request=evaluation.request, evaluated_on=evaluation.evaluated_on, at=now,
        decision=evaluation.decision, findings=findings, amounts=amounts.as_dict(), trace=trace_of(evaluation),
    )  # fmt: skip


def request_of(dossier: Dossier) -> str:
    return "balance" if dossier.balance_filed_on else "advance"


def filed_on(dossier: Dossier, request: str) -> date:
    """The day the request is evaluated at: its filing (§2), or today for a draft."""
    day = dossier.balance_filed_on if request == "balance" else dossier.advance_filed_on
    return day or clock.today()


def instructed_on(dossier: Dossier, request: str, instructing: bool) -> date | None:
    """The day the financing request is instructed (§5.2: the VAT rate in force then): today when the ASP
    decides on the advance request, else the day it validated it (if it did)."""
    if request == "advance":
        return clock.today() if instructing else None
    return dossier.advance_validated_on


def evaluate_and_keep(dossier: Dossier, step: str, request: str | None = None, *, instructing: bool = False):
    """Evaluate the (saved) dossier's `request` for the step `step` and keep the result (`instructing`: the ASP
    decides on the request today)."""
    request = request or request_of(dossier)
    evaluation = evaluate_dossier(dossier, request, filed_on(dossier, request),
                                  instructed_on=instructed_on(dossier, request, instructing))  # fmt: skip
    kept = record(dossier, evaluation, step)
    kept.save()
    return kept, evaluation


def last(dossier: Dossier) -> Evaluation | None:
    return dossier.evaluations.order_by("-at", "-pk").first()


@dataclass
class Comparison:
    """What the rules would say today, beside what they said (`stored`)."""

    stored: Evaluation | None
    today: Evaluation
    appeared: list[dict] = field(default_factory=list)  # findings found today only
    gone: list[dict] = field(default_factory=list)  # findings no longer found
    changed_rules: list[tuple[list, list]] = field(default_factory=list)  # (then, now) trace lines

    @property
    def same(self) -> bool:
        return (self.stored is not None and self.stored.decision == self.today.decision
                and self.stored.amounts == self.today.amounts and not (self.appeared or self.gone))  # fmt: skip


def what_would_change(dossier: Dossier) -> Comparison:
    """The rules run again today on today's facts (directory, referencing, pilots…), nothing stored."""
    request = request_of(dossier)
    now = Dossier.objects.select_related("solution_version").get(pk=dossier.pk)
    today = record(now, evaluate_dossier(now, request, filed_on(now, request)), "réévaluation")
    stored = last(dossier)
    before = stored.findings if stored else []
    key = ("rule", "message")
    then_keys = {tuple(f.get(k) for k in key) for f in before}
    now_keys = {tuple(f.get(k) for k in key) for f in today.findings}
    previous = {line[0]: line for line in (stored.trace if stored else [])}
    return Comparison(
        stored, today,
        appeared=[f for f in today.findings if tuple(f.get(k) for k in key) not in then_keys],
        gone=[f for f in before if tuple(f.get(k) for k in key) not in now_keys],
        changed_rules=[(previous[line[0]], line) for line in today.trace
                       if line[0] in previous and previous[line[0]][2:4] != line[2:4]],
    )  # fmt: skip

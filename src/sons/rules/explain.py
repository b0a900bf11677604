"""French rendering of an evaluation: the decision, the amounts, the findings, the deadlines, the trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .amounts import COLUMN_LABELS
from .calendar import LABELS as CALENDAR_LABELS
from .codes import DEADLINES
from .core import OUTCOME_LABELS, SEVERITY_LABELS
from .engine import DECISION_LABELS, REQUEST_LABELS, Evaluation
from .money import euros_fr
from .order import fr

DEADLINE_LABELS = dict(DEADLINES.choices)


def fr_date(day: date) -> str:
    return fr(day)


def _value(value) -> str:
    if isinstance(value, date):
        return fr_date(value)
    if value is None:
        return "non renseigné"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    return str(value)


def render_text(evaluation: Evaluation, explain: bool = False) -> str:
    lines = [
        f"Dispositif SONS SFP-LGC-Va2 — {REQUEST_LABELS[evaluation.request]} déposée le "
        f"{fr_date(evaluation.evaluated_on)} (Date 0 : {fr_date(evaluation.calendar.date_0)})",
        f"Décision : {DECISION_LABELS[evaluation.decision]}",
    ]
    amounts = evaluation.amounts
    if amounts.cap is not None:
        lines.append(
            f"Montants : plafond {euros_fr(amounts.cap)} ({COLUMN_LABELS[amounts.column]}) ; "
            f"financé {euros_fr(amounts.financed)} ; avance {euros_fr(amounts.advance)} ; "
            f"solde {euros_fr(amounts.balance)}"
        )
        for centre in amounts.centres or ():
            lines.append(
                f"  FINESS géographique {centre['finess_geo']} (tranche {centre['tranche'] or '—'}) : plafond "
                f"{_euros(centre['cap'])} ; financé {_euros(centre['financed'])}"
            )
        if amounts.vat_rate is not None:
            lines.append(f"  Taux de TVA en vigueur à l'instruction : {amounts.vat_rate} %")
        if amounts.advance_to_recover is not None:
            lines.append(
                f"  Avance versée au-delà du montant facturé, à reverser (§7) : {euros_fr(amounts.advance_to_recover)}"
            )
    else:
        lines.append("Montants : catégorie du Client inconnue, aucun plafond applicable")
    if evaluation.findings:
        lines.append("Constats :")
        for finding in evaluation.findings:
            lines.append(f"  [{SEVERITY_LABELS[finding.severity]}] §{finding.section} — {finding.message}")
    else:
        lines.append("Constats : aucun")
    lines.append("Échéances :")
    for name, day in evaluation.deadlines.items():
        if name == "next":
            continue
        lines.append(f"  {DEADLINE_LABELS[name]} : {fr_date(day)}")
    if "next" in evaluation.deadlines:
        upcoming = evaluation.deadlines["next"]
        lines.append(
            f"Prochaine échéance : {DEADLINE_LABELS[upcoming['name']]} — {fr_date(upcoming['date'])}"
        )
    if explain:
        lines.append("Règles évaluées :")
        for rule, check, _severity in evaluation.trace:
            lines.append(f"  §{rule.section} {rule.name} : {OUTCOME_LABELS[check.outcome]}")
            doc = rule.doc.splitlines()
            if doc:
                lines.append(f"      {' '.join(part.strip() for part in doc)}")
            if check.value is not None:
                lines.append(f"      valeur : {_value(check.value)}")
            if check.message or check.note:
                lines.append(f"      {check.message or check.note}")
            for fact, value in check.facts.items():
                lines.append(f"      {fact} = {_value(value)}")
    return "\n".join(lines) + "\n"


def _euros(amount: str | None) -> str:
    return "—" if amount is None else euros_fr(Decimal(amount))


def render_calendar(dates: dict[str, date]) -> str:
    return "".join(f"{CALENDAR_LABELS[name]} : {fr_date(day)}\n" for name, day in dates.items())


def bareme_table(p) -> dict:
    groups: dict[str, list[str]] = {}
    for profession, group in p.cap_groups.items():
        groups.setdefault(group, []).append(profession)
    professionals = {
        group: {"professions": groups[group], **{k: f"{v:.2f}" for k, v in row.items()}}
        for group, row in p.bareme_professionals.items()
    }
    centres = {tranche: {k: f"{v:.2f}" for k, v in row.items()} for tranche, row in p.bareme_centres.items()}
    return {
        "section": "5.3",
        "columns": ["ttc_20", "ttc_8_5", "ht"],
        "professionals": professionals,
        "centres": centres,
    }

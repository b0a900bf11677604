"""What the pages show of findings and traces: French labels (sons.rules.codes), AF sections, severity styles.
A finding is a dict as stored ({rule, section, severity, message}); a trace, the stored lines
[rule, section, outcome, severity, message] (sons.dossiers.evaluations), for a dossier as for the simulator."""

from sons.rules.codes import CHECK_STATUSES, SEVERITIES
from sons.rules.core import RULES_BY_NAME

BADGE = {"blocking": "fr-badge--error", "warning": "fr-badge--warning", "info": "fr-badge--info"}
OUTCOME_BADGE = {"failed": "fr-badge--error", "unknown": "fr-badge--warning", "passed": "fr-badge--success"}
ORDER = {"blocking": 0, "warning": 1, "info": 2}


def finding_rows(findings) -> list[dict]:
    """Findings, stored dicts or the engine's Finding tuples, most severe first."""
    rows = []
    for finding in findings:
        f = finding if isinstance(finding, dict) else finding.as_dict()
        severity = f.get("severity", "info")
        rows.append({"rule": f.get("rule", ""), "section": f.get("section", ""), "severity": severity,
                     "severity_label": SEVERITIES.label(severity), "badge": BADGE.get(severity, "fr-badge--info"),
                     "blocking": severity == "blocking", "message": f.get("message", "")})  # fmt: skip
    return sorted(rows, key=lambda row: ORDER.get(row["severity"], 3))


def trace_rows(trace: list[list]) -> list[dict]:
    """The stored lines, with the rule's own words (its docstring quoting the AF) and French labels."""
    return [
        {"rule": rule, "section": section, "outcome": outcome, "outcome_label": CHECK_STATUSES.label(outcome),
         "outcome_badge": OUTCOME_BADGE.get(outcome, ""), "message": message,
         "doc": RULES_BY_NAME[rule].doc if rule in RULES_BY_NAME else ""}
        for rule, section, outcome, severity, message in trace
    ]  # fmt: skip

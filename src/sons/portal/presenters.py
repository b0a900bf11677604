"""What the pages show of findings, traces and amounts: French labels, AF sections, severity styles."""

from sons.rules.core import OUTCOME_LABELS, SEVERITY_LABELS

CSS = {"blocking": "sons-blocking", "warning": "sons-warning", "info": "sons-info"}
BADGE = {"blocking": "fr-badge--error", "warning": "fr-badge--warning", "info": "fr-badge--info"}
ORDER = {"blocking": 0, "warning": 1, "info": 2}


def finding_rows(findings: list[dict]) -> list[dict]:
    rows = [
        {
            "rule": f.get("rule", ""),
            "section": f.get("section", ""),
            "severity": f.get("severity", "info"),
            "severity_label": SEVERITY_LABELS.get(f.get("severity"), f.get("severity", "")),
            "badge": BADGE.get(f.get("severity"), "fr-badge--info"),
            "message": f.get("message", ""),
        }
        for f in findings
    ]
    return sorted(rows, key=lambda row: ORDER.get(row["severity"], 3))


def trace_rows(trace) -> list[dict]:
    return [
        {
            "rule": entry.rule.name,
            "section": entry.rule.section,
            "outcome": entry.check.outcome,
            "outcome_label": OUTCOME_LABELS[entry.check.outcome],
            "severity_label": SEVERITY_LABELS.get(entry.severity, ""),
            "badge": BADGE.get(entry.severity, "fr-badge--info"),
            "message": entry.check.message or entry.check.note or "",
        }
        for entry in trace
    ]

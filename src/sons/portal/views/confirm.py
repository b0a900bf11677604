"""The confirmation panel every irreversible decision opens (the withdrawal page's pattern): what the decision
does, the dossier's findings when it has some, the motive (required but for a validation), then the decision,
or its refusal on the same panel with the input kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render

from ..forms_decisions import MotiveForm


@dataclass
class Panel:
    title: str
    button: str
    action: str  # the URL the panel posts to
    back_url: str
    back_label: str
    impact: list[str]
    motive_label: str = "Motif"  # "": a decision without text (no field shown)
    motive_required: bool = True
    motive_help: str = ""
    irreversible: bool = True
    hidden: dict | list = field(default_factory=dict)  # a dict, or (name, value) pairs (a name repeated)
    findings: list = field(default_factory=list)

    def form(self, data=None, **kwargs) -> MotiveForm:
        return MotiveForm(
            data, label=self.motive_label, required=self.motive_required, help_text=self.motive_help, **kwargs
        )


def show(request, panel: Panel, form: MotiveForm | None = None, refusal: str = "", status: int = 200):
    return render(request, "portal/dossier/confirm.html", {
        "title": panel.title, "button": panel.button, "action": panel.action, "back_url": panel.back_url,
        "back_label": panel.back_label, "impact": panel.impact, "irreversible": panel.irreversible,
        "hidden": list(panel.hidden.items()) if isinstance(panel.hidden, dict) else panel.hidden,
        "findings": panel.findings, "form": form or panel.form(), "refusal": refusal,
        "show_motive": bool(panel.motive_label),
    }, status=status)  # fmt: skip

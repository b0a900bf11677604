"""The confirmation panel every irreversible decision opens (the withdrawal page's pattern): what the decision
does, the dossier's findings when it has some, the pieces its request lacks, the motive (required but for a
validation), then the decision (its button disabled when the panel already knows it is impossible), or its refusal
on the same panel with the input kept."""

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
    missing_pieces: list = field(default_factory=list)  # the pieces the AF requires that the request lacks
    missing_advice: str = ""  # what to do about them
    disabled: bool = False  # the decision cannot be taken now (the alerts say why): its button is disabled
    alternative: tuple[str, str] | None = None  # (label, url): the decision to open instead

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
        "show_motive": bool(panel.motive_label), "missing_pieces": panel.missing_pieces,
        "missing_advice": panel.missing_advice, "disabled": panel.disabled, "alternative": panel.alternative,
    }, status=status)  # fmt: skip

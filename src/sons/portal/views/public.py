"""Public pages: the simulator on the rules engine, the calendar and the barème read from the parameters."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from ... import clock
from ...dossiers.deadlines import labelled
from ...dossiers.evaluations import trace_of
from ...rules import InvalidDossier, load_parameters
from ...rules.calendar import LABELS as CALENDAR_LABELS
from ...rules.calendar import CalendarOutOfRange, build_calendar
from ...rules.codes import PROFILES
from ...rules.engine import DECISION_LABELS, REQUEST_LABELS
from ...rules.explain import bareme_table
from ...rules.money import euros_fr
from ...simulator import evaluate_json
from ..forms import SimulatorForm
from ..presenters import finding_rows, trace_rows


def example_names() -> list[str]:
    return sorted(path.stem for path in settings.SONS_EXAMPLES_DIR.glob("*.json"))


def home(request):
    return render(request, "portal/home.html", {"examples": example_names()})


def simulator(request):
    names = example_names()
    evaluation = error = None
    if request.method == "POST":
        form = SimulatorForm(request.POST)
        if form.is_valid():
            try:
                evaluation = evaluate_json(form.cleaned_data["dossier"])
            except InvalidDossier as invalid:
                error = invalid
    else:
        chosen = request.GET.get("exemple") or (names[0] if names else None)
        initial = ""
        if chosen:
            if chosen not in names:
                raise Http404("Exemple inconnu")
            initial = (settings.SONS_EXAMPLES_DIR / f"{chosen}.json").read_text(encoding="utf-8")
        form = SimulatorForm(initial={"dossier": initial})
    context = {"form": form, "examples": names, "evaluation": evaluation, "error": error}
    if evaluation is not None:
        context.update(
            decision_label=DECISION_LABELS[evaluation.decision],
            request_label=REQUEST_LABELS[evaluation.request],
            findings=finding_rows(evaluation.findings),
            deadlines=labelled(evaluation.deadlines),
            trace=trace_rows(trace_of(evaluation)),
        )
    status = 400 if error else 200
    return render(request, "portal/simulator.html", context, status=status)


def calendar(request):
    parameters = load_parameters()
    p = parameters.at(clock.today())
    date_0 = p.date_0
    raw = request.GET.get("date_0")
    error = None
    if raw:
        try:
            date_0 = date.fromisoformat(raw)
        except ValueError:
            error = f"Date 0 invalide : « {raw} » (format attendu AAAA-MM-JJ)."
    try:
        dates = build_calendar(date_0, p).as_dict()
    except CalendarOutOfRange as out_of_range:
        error, date_0 = str(out_of_range), p.date_0
        dates = build_calendar(date_0, p).as_dict()
    rows = [{"label": CALENDAR_LABELS[name], "date": day} for name, day in dates.items()]
    reference = parameters["date_0"].values[-1].reference
    return render(
        request,
        "portal/calendar.html",
        {"rows": rows, "date_0": date_0, "error": error, "reference": reference},
        status=400 if error else 200,
    )


def bareme(request):
    p = load_parameters().at(clock.today())
    table = bareme_table(p)
    columns = table["columns"]

    def figures(row):
        return {column: euros_fr(Decimal(row[column])) for column in columns}

    professionals = [
        {"professions": ", ".join(PROFILES.labels(row["professions"])), **figures(row)}
        for row in table["professionals"].values()
    ]
    centres = [{"tranche": tranche, **figures(row)} for tranche, row in table["centres"].items()]
    return render(request, "portal/bareme.html", {"professionals": professionals, "centres": centres})

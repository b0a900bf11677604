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
from ...simulator import PEOPLE_ASSUMPTIONS, evaluate_document, evaluate_json, people_dossier
from ..forms import PeopleSimulatorForm, SimulatorForm
from ..presenters import finding_rows, trace_rows


def example_names() -> list[str]:
    return sorted(path.stem for path in settings.SONS_EXAMPLES_DIR.glob("*.json"))


def home(request):
    return render(request, "portal/home.html", {"examples": example_names()})


def simulator(request):
    """The simulator for people (a few plain fields) and, behind « mode expert », the whole dossier in JSON."""
    expert = request.GET.get("mode") == "expert" or "exemple" in request.GET or "dossier" in request.POST
    if expert:
        return expert_simulator(request)
    evaluation = None
    if request.method == "POST":
        form = PeopleSimulatorForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                evaluation = evaluate_document(people_dossier(
                    profile=d["profile"], practice=d["practice"] or None, tranche=d["tranche"] or None,
                    signed_on=d["signed_on"], filed_on=d["filed_on"], amount=d["amount"], vat_rate=d["vat_rate"],
                ))  # fmt: skip
            except InvalidDossier as invalid:
                form.add_error(PEOPLE_FIELDS.get(invalid.path), invalid.message)
    else:
        today = clock.today()
        form = PeopleSimulatorForm(initial={"profile": "ide", "practice": "liberal", "signed_on": today,
                                            "filed_on": today, "vat_rate": "20"})  # fmt: skip
    context = {"form": form, "expert": False, "assumptions": PEOPLE_ASSUMPTIONS, **results(evaluation)}
    return render(request, "portal/simulator.html", context, status=400 if form.errors else 200)


# The contract's paths the plain form fills, by field.
PEOPLE_FIELDS = {"filed_on": "filed_on", "order.signed_on": "signed_on", "order.issued_on": "signed_on",
                 "order.lines[0].amount": "amount", "date_0": "filed_on"}  # fmt: skip


def expert_simulator(request):
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
    context = {"form": form, "expert": True, "examples": names, "error": error, **results(evaluation)}
    status = 400 if error else 200
    return render(request, "portal/simulator.html", context, status=status)


def results(evaluation) -> dict:
    """What the page shows of the rules' evaluation: the decision, a sentence, amounts, findings, deadlines."""
    if evaluation is None:
        return {"evaluation": None}
    findings = finding_rows(evaluation.findings)
    return {
        "evaluation": evaluation,
        "decision_label": DECISION_LABELS[evaluation.decision],
        "request_label": REQUEST_LABELS[evaluation.request],
        "sentence": result_sentence(evaluation, findings),
        "findings": findings,
        "deadlines": labelled(evaluation.deadlines),
        "trace": trace_rows(trace_of(evaluation)),
    }


def result_sentence(evaluation, findings: list[dict]) -> str:
    """The rules' decision in one sentence: the amount financed and its two payments, or the first reason it
    is not admissible."""
    amounts = evaluation.amounts
    if evaluation.decision == "not_admissible":
        reasons = [f for f in findings if f["blocking"]]
        why = f" : {reasons[0]['message']} (AF §{reasons[0]['section']})" if reasons else "."
        more = f" Et {len(reasons) - 1} autre(s) motif(s), ci-dessous." if len(reasons) > 1 else ""
        return f"La demande ne serait pas recevable{why.rstrip('.')}.{more}"
    reserve = " sous réserve de la décision de référencement" if evaluation.decision != "admissible" else ""
    if amounts.financed is None:
        return f"La demande serait recevable{reserve}."
    return (
        f"La demande serait recevable{reserve} : la Prestation Ségur serait financée {euros_fr(amounts.financed)}, "
        f"soit une avance de {euros_fr(amounts.advance)} à la validation de la demande puis un solde de "
        f"{euros_fr(amounts.balance)} après la réalisation de la Prestation."
    )


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

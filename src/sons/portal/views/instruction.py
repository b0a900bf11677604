"""ASP instructor space: the queue with filters and saved views, bulk decisions, recovery cases."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sons.directory.enums import Profession
from sons.dossiers import actions, pieces
from sons.dossiers.enums import RECOVERY_STATES, DossierState
from sons.dossiers.filters import DOSSIER_FILTERS, FIRST_TAB, TAB_LABELS, TRANCHES
from sons.dossiers.models import Dossier
from sons.dossiers.reading import client_labels
from sons.dossiers.workflow import STEPS, allowed_steps
from sons.errors import Refused
from sons.exports.jobs import enqueue_export, export_job, storage, too_large
from sons.exports.responses import export_response
from sons.filtering import BadFilter, filtered
from sons.recoveries import actions as recoveries
from sons.recoveries.models import RecoveryCase
from sons.rules import load_parameters
from sons.rules.core import RULES_BY_NAME, section_key
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role
from sons.suppliers.models import Organisation

from ..access import ASP, role_required
from ..models import SavedView
from .confirm import Panel, show

BULK_LIMIT = 5000


def queue_filters(params) -> dict[str, str]:
    """The queue's filters as given (other parameters, such as the page, left aside)."""
    return {name: params.get(name, "").strip() for name in DOSSIER_FILTERS if params.get(name, "").strip()}


def rule_label(rule) -> str:
    """A rule as the instructor reads it: its AF section and the words of the AF it checks (its docstring's
    first sentence), never its code."""
    words = " ".join(rule.doc.split())
    words = words.split(" : ", 1)[1] if " : " in words[:40] else words
    words = words if len(words) <= 110 else words[:107].rsplit(" ", 1)[0] + "…"
    return f"§{rule.section} — {words}"


def rule_choices() -> list[tuple[str, str]]:
    """The rules a finding may name, by AF section, with their French label."""
    rules = [rule for rule in RULES_BY_NAME.values() if not rule.is_computation]
    rules.sort(key=lambda rule: (section_key(rule.section), rule_label(rule)))
    return [(rule.name, rule_label(rule)) for rule in rules]


def queue_view(params) -> tuple[dict[str, str], str]:
    """The filters of the view and its tab (« à instruire » when none is given)."""
    kept = queue_filters(params)
    kept.setdefault("tab", FIRST_TAB)
    return kept, kept["tab"]


@role_required(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
def queue(request):
    return queue_page(request, request.GET)


def queue_page(request, params, *, bulk: dict | None = None, status: int = 200):
    """The queue's view of `params`; `bulk`: a bulk decision refused, its selection, decision and message kept
    and its errors shown beside their fields."""
    kept, tab = queue_view(params)
    base = Dossier.objects.select_related("supplier", "solution_version__solution")
    try:
        queryset = filtered(base, DOSSIER_FILTERS, kept)
    except BadFilter as bad:
        messages.error(request, bad.message)
        kept, tab = {"tab": FIRST_TAB}, FIRST_TAB
        queryset = filtered(base, DOSSIER_FILTERS, kept)
    queryset = pieces.with_order_missing(queryset)  # the « pièce manquante » badge (§6.2), one subquery
    page = Paginator(queryset.order_by("advance_filed_on", "pk"), 50).get_page(params.get("page"))
    bulk = bulk or {"selected": set(), "decision": "", "message": "", "errors": {}}
    clients = client_labels(page.object_list)
    rows = [
        {"dossier": d, "client": clients[d.client_key],
         "blocking": sum(1 for f in d.findings if f.get("severity") == "blocking"),
         "warnings": sum(1 for f in d.findings if f.get("severity") == "warning") + len(d.directory_alerts)}
        for d in page.object_list
    ]  # fmt: skip
    others = {name: value for name, value in kept.items() if name != "tab"}
    tabs = [{"code": code, "label": label, "current": code == tab, "query": urlencode({**others, "tab": code})}
            for code, label in TAB_LABELS.items()]  # fmt: skip
    return render(request, "portal/instruction/queue.html", {
        "page": page, "rows": rows, "kept": {name: kept.get(name, "") for name in DOSSIER_FILTERS},
        "query": urlencode(kept), "tabs": tabs, "tab_label": TAB_LABELS[tab], "rules": rule_choices(),
        "states": DossierState.choices, "professions": Profession.choices, "tranches": TRANCHES,
        "suppliers": Organisation.objects.order_by("name").values_list("pk", "name")[:500],
        "saved": SavedView.objects.filter(user=request.user).order_by("name"),
        "can_decide": request.principal.holds(Role.ASP_INSTRUCTOR), "bulk": bulk,
    }, status=status)  # fmt: skip


@role_required(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
@require_POST
def save_view(request):
    name = request.POST.get("name", "").strip()[:100]
    query = urlencode(queue_filters(request.POST))
    if not name:
        messages.error(request, "Nom de la vue : obligatoire.")
        return redirect(f"/instruction/?{query}")
    SavedView.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
    messages.success(request, f"Vue « {name} » enregistrée.")
    return redirect(f"/instruction/?{query}")


@role_required(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
@require_POST
def delete_view(request, view_id: int):
    get_object_or_404(SavedView, pk=view_id, user=request.user).delete()
    messages.success(request, "Vue supprimée.")
    return redirect("portal:queue")


BULK_DECISIONS = {"validate": "Valider", "request_completion": "Demander un complément", "reject": "Rejeter"}


@role_required(Role.ASP_INSTRUCTOR)
@require_POST
def decide_bulk(request):
    """One decision on the selected dossiers, after its confirmation panel (the dossiers, the motive required to
    reject or ask for a completion); each succeeds or fails alone, with its reason. Refused, the queue comes back
    with the selection, the decision and the message kept."""
    decision = request.POST.get("decision", "")
    back = request.POST.get("retour", "")
    target = f"/instruction/?{back}" if back else "/instruction/"
    ids = [int(pk) for pk in request.POST.getlist("dossiers") if pk.isdigit()][:BULK_LIMIT]
    confirming = request.POST.get("confirmed") == "1"
    text = request.POST.get("motive" if confirming else "message", "").strip()
    errors = {}
    if decision not in actions.DECISIONS:
        errors["decision"] = "Décision : choisissez valider, demander un complément ou rejeter."
    if not ids:
        errors["dossiers"] = "Sélection : cochez au moins un dossier."
    if decision != "validate" and not text and not confirming:
        errors["message"] = "Message : obligatoire pour rejeter ou demander un complément."
    if errors:
        params = QueryDict(back)
        bulk = {"selected": set(ids), "decision": decision, "message": text, "errors": errors}
        return queue_page(request, params, bulk=bulk, status=400)
    panel = Panel(
        title=f"{BULK_DECISIONS[decision]} : {len(ids)} dossier(s)", button=f"Confirmer : {BULK_DECISIONS[decision].lower()}",
        action=reverse("portal:decide_bulk"), back_url=target, back_label="File d'instruction",
        impact=[f"Dossiers : {', '.join(f'n° {pk}' for pk in ids[:50])}{' …' if len(ids) > 50 else ''}.",
                "Chaque dossier est décidé seul ; un refus (constat bloquant, état) est signalé sans arrêter les "
                "autres. Une lettre de décision est établie pour chacun."],
        motive_label=("Message au Fournisseur (facultatif)" if decision == "validate"
                      else "Motif, commun aux dossiers sélectionnés (obligatoire)"),
        motive_required=decision != "validate", irreversible=decision != "request_completion",
        hidden=[("decision", decision), ("retour", back), ("confirmed", "1"), *(("dossiers", pk) for pk in ids)],
    )  # fmt: skip
    if not confirming:
        return show(request, panel, panel.form(initial={"motive": text}))
    form = panel.form(request.POST)
    if not form.is_valid():
        return show(request, panel, form, status=400)
    found = Dossier.objects.select_related("solution_version").in_bulk(ids)
    report = actions.decide_many(request.principal, {pk: found.get(pk) for pk in ids}, decision, form.text)
    done = [item for item in report if item["status"] == "ok"]
    failed = [item for item in report if item["status"] != "ok"]
    if done:
        messages.success(request, f"{len(done)} dossier(s) traité(s).")
    for item in failed[:20]:
        messages.error(request, f"Dossier n° {item['id']} : {item['message']}")
    if len(failed) > 20:
        messages.error(request, f"… et {len(failed) - 20} autre(s) dossier(s) en erreur.")
    return redirect(target)


@role_required(*ASP)
def recovery_list(request):
    state = request.GET.get("state", "")
    cases = RecoveryCase.objects.select_related("dossier__supplier").order_by("-opened_on", "-pk")
    if state in RECOVERY_STATES:
        cases = cases.filter(dossier__state=state)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    for case in page.object_list:  # the steps the dossier's lifecycle opens to this agent
        case.steps = [
            step for step in allowed_steps(case.dossier, request.principal) if step.name in recoveries.STEPS
        ]
    return render(request, "portal/instruction/recoveries.html", {
        "page": page, "states": [(s, DossierState(s).label) for s in RECOVERY_STATES], "state": state,
    })  # fmt: skip


def recovery_panel(case: RecoveryCase, step: str) -> Panel:
    """The confirmation panel of a recovery step (§7): what it does; the text it needs (observations, amount,
    motive of the abandon), none for the formal notice and the repayment order."""
    dossier = case.dossier
    delay = load_parameters().at(case.opened_on).formal_notice_days
    facts = f"Recouvrement n° {case.pk} du dossier n° {dossier.pk} ({case.get_ground_display().lower()}) : {euros_fr(case.amount)} à reverser."
    impacts = {
        "send_formal_notice": [
            facts,
            f"La mise en demeure est adressée au Fournisseur : il dispose de {delay} jours pour "
            "remédier aux manquements ou présenter ses observations (AF §7).",
        ],
        "record_observations": [facts, "Les observations du Fournisseur sont versées au dossier."],
        "order_repayment": [
            facts,
            "L'ordre de reversement est émis : la mise en demeure est restée infructueuse (AF §7).",
        ],
        "record_repayment": [
            facts,
            f"Déjà reversé : {euros_fr(dossier.recovered)}. Le recouvrement est clos quand tout est reversé.",
        ],
        "cancel_recovery": [facts, "Le recouvrement est abandonné : plus rien n'est réclamé au Fournisseur."],
    }
    labels = {
        "record_observations": "Observations du Fournisseur (obligatoire)",
        "record_repayment": "Montant reversé reçu (€, obligatoire)",
        "cancel_recovery": "Motif de l'abandon (obligatoire)",
    }
    return Panel(
        title=f"{STEPS[step].label} — recouvrement n° {case.pk}", button=f"Confirmer : {STEPS[step].label.lower()}",
        action=reverse("portal:recovery_step", args=[case.pk]), back_url=reverse("portal:recoveries"),
        back_label="Recouvrements", impact=impacts[step], motive_label=labels.get(step, ""),
        motive_required=step in labels, irreversible=step != "record_observations",
        hidden={"step": step, "confirmed": "1"},
    )  # fmt: skip


@role_required(*ASP)
@require_POST
def recovery_step(request, case_id: int):
    """A recovery step, after its confirmation panel (its text required when the step needs one)."""
    case = get_object_or_404(RecoveryCase.objects.select_related("dossier__solution_version"), pk=case_id)
    step = request.POST.get("step", "")
    if step not in recoveries.STEPS:
        messages.error(request, "Étape de recouvrement inconnue.")
        return redirect("portal:recoveries")
    panel = recovery_panel(case, step)
    if request.POST.get("confirmed") != "1":
        return show(request, panel, panel.form(initial={"motive": request.POST.get("message", "").strip()}))
    form = panel.form(request.POST)
    if not form.is_valid():
        return show(request, panel, form, status=400)
    text = form.text
    try:
        amount = Decimal(text.replace(",", ".")) if step == "record_repayment" else None
        recoveries.take(request.principal, case, step, text=text, amount=amount)
    except Refused as refused:
        return show(request, panel, form, refusal=refused.message, status=409)
    except InvalidOperation:
        form.add_error("motive", "Montant invalide : un nombre en euros est attendu (ex. « 108,00 »).")
        return show(request, panel, form, status=400)
    messages.success(request, f"Étape « {STEPS[step].label} » enregistrée.")
    return redirect("portal:recoveries")


EXPORTS = {"dossiers": "dossiers", "paiements": "payments", "recouvrements": "recoveries"}


@role_required(*ASP)
def export(request, name: str, extension: str):
    """The current view exported, streamed (CSV for Excel, « ; », or XLSX); past SONS_EXPORT_ROWS_IN_REQUEST
    rows, prepared by a job worker and offered on the job's page when ready."""
    if name not in EXPORTS or extension not in ("csv", "xlsx"):
        raise Http404("Export inconnu")
    params = {}
    if name == "dossiers":
        params = queue_view(request.GET)[0]  # exactly the queue's view, its tab included
    elif name == "recouvrements" and request.GET.get("state"):
        params = {"state": request.GET["state"]}
    try:
        if too_large(EXPORTS[name], params):
            job_id = enqueue_export(EXPORTS[name], extension, params, request.user.pk)
            return redirect("portal:export_job", job_id=job_id)
        return export_response(EXPORTS[name], extension, params)
    except BadFilter as bad:
        messages.error(request, bad.message)
        return redirect("portal:queue")


@role_required(*ASP)
def export_job_page(request, job_id: str):
    """Where a large export stands; the file once it is ready (the page reloads itself until then)."""
    job = export_job(job_id, request.user.pk)
    if job is None:
        raise Http404("Export introuvable")
    return render(request, "portal/exports/job.html", {"job": job})


@role_required(*ASP)
def export_job_file(request, job_id: str):
    job = export_job(job_id, request.user.pk)
    if job is None or not job.ready:
        raise Http404("Fichier d'export introuvable ou pas encore prêt")
    return FileResponse(storage().open(job.stored, "rb"), as_attachment=True, filename=job.filename,
                        content_type=job.content_type)  # fmt: skip

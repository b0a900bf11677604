"""ASP instructor space: the queue with filters and saved views, bulk decisions, recovery cases."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from sons import clock
from sons.directory.enums import Profession
from sons.directory.models import Centre, Professional
from sons.dossiers import actions
from sons.dossiers.enums import DossierState
from sons.dossiers.models import Dossier
from sons.dossiers.workflow import TransitionRefused
from sons.exports import BadFilter
from sons.exports.responses import export_response
from sons.recoveries import actions as recoveries
from sons.recoveries.enums import RecoveryState
from sons.recoveries.models import RecoveryCase
from sons.rules import load_parameters
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role
from sons.suppliers.models import Organisation
from sons.suppliers.perms import Forbidden

from ..access import ASP, role_required
from ..models import SavedView

FILTERS = ("etat", "fournisseur", "profession", "tranche", "constat", "echeance")
DEADLINE_WINDOWS = {"30": 30, "60": 60}
TRANCHES = ["A", "B", "C", "D", "E"]
BULK_LIMIT = 5000


def filtered(params) -> tuple:
    """The queue's queryset for the filters in `params`, and the filters kept (unknown values ignored)."""
    queryset = Dossier.objects.select_related("supplier", "solution_version__solution")
    kept = dict.fromkeys(FILTERS, "")
    state = params.get("etat", "")
    if state in DossierState.values:
        queryset, kept["etat"] = queryset.filter(state=state), state
    supplier = params.get("fournisseur", "")
    if supplier.isdigit():
        queryset, kept["fournisseur"] = queryset.filter(supplier_id=int(supplier)), supplier
    profession = params.get("profession", "")
    if profession in Profession.values:
        rpps = Professional.objects.with_rules_profession().filter(rules_profession=profession).values("rpps")
        queryset, kept["profession"] = queryset.filter(rpps__in=rpps), profession
    tranche = params.get("tranche", "")
    if tranche in TRANCHES:
        finess = Centre.objects.filter(tranche=tranche).values("finess_geo")
        queryset, kept["tranche"] = queryset.filter(finess_geo__in=finess), tranche
    rule = params.get("constat", "").strip()
    if rule and rule.replace("_", "").isalnum():
        queryset, kept["constat"] = queryset.filter(findings__icontains=f'"{rule}"'), rule
    window = params.get("echeance", "")
    if window in DEADLINE_WINDOWS:
        # Conditional orders (version without a complete referencing dossier) whose 120 days run out soon.
        today = clock.today()
        days = load_parameters().at(today).conditional_order_days
        queryset = queryset.conditional_orders_running(today, days).filter(
            order_signed_on__lte=today - timedelta(days=days - DEADLINE_WINDOWS[window])
        )
        kept["echeance"] = window
    return queryset, kept


@role_required(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
def queue(request):
    queryset, kept = filtered(request.GET)
    page = Paginator(queryset.order_by("advance_filed_on", "pk"), 50).get_page(request.GET.get("page"))
    rows = [
        {"dossier": d, "client": d.rpps or d.finess_geo, "financed": euros_fr(d.financed) if d.financed is not None else "—",
         "blocking": sum(1 for f in d.findings if f.get("severity") == "blocking"),
         "warnings": sum(1 for f in d.findings if f.get("severity") == "warning") + len(d.directory_alerts)}
        for d in page.object_list
    ]  # fmt: skip
    return render(request, "portal/instruction/queue.html", {
        "page": page, "rows": rows, "kept": kept, "query": urlencode({k: v for k, v in kept.items() if v}),
        "states": DossierState.choices, "professions": Profession.choices, "tranches": TRANCHES,
        "suppliers": Organisation.objects.order_by("name").values_list("pk", "name")[:500],
        "saved": SavedView.objects.filter(user=request.user).order_by("name"),
        "can_decide": request.principal.holds(Role.ASP_INSTRUCTOR),
    })  # fmt: skip


@role_required(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
@require_POST
def save_view(request):
    name = request.POST.get("name", "").strip()[:100]
    _, kept = filtered(request.POST)
    if not name:
        messages.error(request, "Nom de la vue : obligatoire.")
        return redirect(f"/instruction/?{urlencode({k: v for k, v in kept.items() if v})}")
    query = urlencode({k: v for k, v in kept.items() if v})
    SavedView.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
    messages.success(request, f"Vue « {name} » enregistrée.")
    return redirect(f"/instruction/?{query}")


@role_required(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
@require_POST
def delete_view(request, view_id: int):
    get_object_or_404(SavedView, pk=view_id, user=request.user).delete()
    messages.success(request, "Vue supprimée.")
    return redirect("portal:queue")


@role_required(Role.ASP_INSTRUCTOR)
@require_POST
def decide_bulk(request):
    """One decision on the selected dossiers; each succeeds or fails alone, with its reason."""
    decision = request.POST.get("decision", "")
    text = request.POST.get("message", "").strip()
    back = request.POST.get("retour", "")
    target = f"/instruction/?{back}" if back else "/instruction/"
    ids = [int(pk) for pk in request.POST.getlist("dossiers") if pk.isdigit()][:BULK_LIMIT]
    if decision not in actions.DECISIONS:
        messages.error(request, "Décision : choisissez valider, demander un complément ou rejeter.")
    elif not ids:
        messages.error(request, "Sélection : cochez au moins un dossier.")
    elif decision != "validate" and not text:
        messages.error(request, "Message : obligatoire pour rejeter ou demander un complément.")
    else:
        found = Dossier.objects.select_related("solution_version").in_bulk(ids)
        report = actions.decide_many(request.principal, {pk: found.get(pk) for pk in ids}, decision, text)
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
    state = request.GET.get("etape", "")
    cases = RecoveryCase.objects.select_related("dossier__supplier").order_by("-opened_on", "-pk")
    if state in RecoveryState.values:
        cases = cases.filter(state=state)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "portal/instruction/recoveries.html", {
        "page": page, "states": RecoveryState.choices, "state": state,
    })  # fmt: skip


RECOVERY_STEPS = {
    "formal_notice": (lambda p, c, text: recoveries.send_formal_notice(p, c), "Mise en demeure adressée."),
    "observations": (
        lambda p, c, text: recoveries.record_observations(p, c, text),
        "Observations enregistrées.",
    ),
    "order": (lambda p, c, text: recoveries.order_repayment(p, c), "Ordre de reversement émis."),
    "repayment": (
        lambda p, c, text: recoveries.record_repayment(p, c, Decimal(text.replace(",", "."))),
        "Reversement enregistré.",
    ),
    "cancel": (lambda p, c, text: recoveries.cancel(p, c, text), "Recouvrement abandonné."),
}


@role_required(*ASP)
@require_POST
def recovery_step(request, case_id: int):
    case = get_object_or_404(RecoveryCase, pk=case_id)
    step = request.POST.get("etape", "")
    text = request.POST.get("message", "").strip()
    if step not in RECOVERY_STEPS:
        messages.error(request, "Étape inconnue.")
    elif step in ("observations", "cancel", "repayment") and not text:
        messages.error(request, "Message : obligatoire pour cette étape.")
    else:
        act, label = RECOVERY_STEPS[step]
        try:
            act(request.principal, case, text)
        except (TransitionRefused, Forbidden, InvalidOperation) as error:
            messages.error(
                request, str(error) if not isinstance(error, InvalidOperation) else "Montant invalide."
            )
        else:
            messages.success(request, label)
    return redirect("portal:recoveries")


# The queue's filters under the export's names (the rule and deadline filters are the queue's own).
EXPORT_FILTERS = {
    "etat": "state",
    "fournisseur": "supplier",
    "profession": "profession",
    "tranche": "tranche",
}
EXPORTS = {"dossiers": "dossiers", "paiements": "payments", "recouvrements": "recoveries"}


@role_required(*ASP)
def export(request, name: str, extension: str):
    """The current view exported, streamed (CSV for Excel, « ; », or XLSX)."""
    if name not in EXPORTS or extension not in ("csv", "xlsx"):
        raise Http404("Export inconnu")
    params = []
    if name == "dossiers":
        _, kept = filtered(request.GET)
        params = [(EXPORT_FILTERS[k], v) for k, v in kept.items() if v and k in EXPORT_FILTERS]
    elif name == "recouvrements" and request.GET.get("etape") in RecoveryState.values:
        params = [("state", request.GET["etape"])]
    try:
        return export_response(EXPORTS[name], extension, params)
    except BadFilter as bad:
        messages.error(request, f"{bad.field} : {bad.message}")
        return redirect("portal:queue")


urlpatterns = [
    path("exports/<str:name>.<str:extension>", export, name="export"),
    path("instruction/", queue, name="queue"),
    path("instruction/vues/", save_view, name="save_view"),
    path("instruction/vues/<int:view_id>/supprimer/", delete_view, name="delete_view"),
    path("instruction/decisions/", decide_bulk, name="decide_bulk"),
    path("recouvrements/", recovery_list, name="recoveries"),
    path("recouvrements/<int:case_id>/", recovery_step, name="recovery_step"),
]

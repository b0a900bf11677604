"""Supplier space: dashboard, client search, new dossier checked before filing, bulk filing, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sons.directory.models import Centre, Professional
from sons.dossiers import actions, bulk, reading
from sons.dossiers.eligibility import clients_eligibility
from sons.dossiers.enums import ADVANCE_VALIDATED_STATES, ClientKind, DossierState
from sons.dossiers.models import Dossier, Pilot
from sons.dossiers.pilots import PilotRefused, submit_pilot
from sons.errors import Refused
from sons.registry.models import SolutionVersion
from sons.suppliers import actions as suppliers
from sons.suppliers.enums import Role
from sons.suppliers.models import ApiToken

from ..access import ADMINISTRATORS, FILERS, MEMBER_REFUSALS, role_required
from ..forms import BulkForm, ClientSearchForm, DossierForm, TokenForm
from ..presenters import finding_rows

supplier_only = role_required(Role.SUPPLIER_MEMBER)
filer_only = role_required(Role.SUPPLIER_MEMBER, members=FILERS)
administrator_only = role_required(Role.SUPPLIER_MEMBER, members=ADMINISTRATORS)


def own_dossiers(request):
    return Dossier.objects.filter(supplier_id=request.principal.organisation_id)


def versions():
    return SolutionVersion.objects.select_related("solution__publisher").order_by(
        "solution__publisher__name", "solution__name", "rank"
    )


@supplier_only
def home(request):
    figures = reading.supplier_dashboard(own_dossiers(request))
    organisation = request.principal.organisation
    return render(request, "portal/supplier/home.html", {
        "organisation": organisation, **figures, "enrolment_blocked": suppliers.organisation_may_file(organisation),
    })  # fmt: skip


@supplier_only
def dossier_list(request):
    queryset = own_dossiers(request).select_related("solution_version__solution").order_by("-pk")
    state = request.GET.get("etat", "")
    if state in DossierState.values:
        queryset = queryset.filter(state=state)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    clients = reading.client_labels(page.object_list)
    for dossier in page.object_list:
        dossier.client = clients[dossier.client_key]
    return render(request, "portal/supplier/dossiers.html", {
        "page": page, "states": DossierState.choices, "state": state,
    })  # fmt: skip


@supplier_only
def client_search(request):
    form = ClientSearchForm(request.GET or None)
    results = []
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q.isdigit() and len(q) == 11:
            professionals = Professional.objects.filter(rpps=q)
        else:
            professionals = Professional.objects.filter(Q(last_name__istartswith=q) | Q(rpps=q)).order_by(
                "last_name", "first_name"
            )[:20]
        centres = Centre.objects.filter(Q(finess_geo=q.upper()) | Q(name__icontains=q)).order_by("name")[:10]
        for professional in professionals:
            results.append({
                "kind": "Professionnel", "key": professional.rpps, "name": str(professional),
                "details": f"{professional.get_profession_display()}{' (IPA)' if professional.is_ipa else ''}, "
                           f"{professional.get_practice_display()}, "
                           f"{'inscrit(e)' if professional.registered_with_order else 'non inscrit(e)'} à l'Ordre",
                "client": (ClientKind.PROFESSIONAL, professional.rpps, ""),
                "new_url": reverse("portal:dossier_new") + f"?rpps={professional.rpps}",
            })  # fmt: skip
        for centre in centres:
            results.append({
                "kind": "Centre de santé infirmier", "key": centre.finess_geo, "name": centre.name,
                "details": f"tranche {centre.tranche}" if centre.tranche else "hors Base de référence",
                "client": (ClientKind.CENTRE, "", centre.finess_geo),
                "new_url": reverse("portal:dossier_new") + f"?finess_geo={centre.finess_geo}",
            })  # fmt: skip
        checked = clients_eligibility(request.principal.organisation, [r["client"] for r in results])
        for row, findings in zip(results, checked, strict=True):
            row["findings"] = finding_rows(findings)
            row["eligible"] = not any(f["severity"] == "blocking" for f in findings)
    return render(request, "portal/supplier/clients.html", {"form": form, "results": results,
                                                             "searched": form.is_bound})  # fmt: skip


@filer_only
def dossier_new(request):
    """A draft evaluated by the rules: its findings are shown before the supplier files it."""
    available = list(versions())
    if request.method == "POST":
        form = DossierForm(request.POST, versions=available)
        if form.is_valid():
            try:
                dossier = actions.file_one(request.principal, form.payload(), draft=True)
            except Refused as refused:
                form.add_refusal(refused)
            else:
                messages.success(request, "Brouillon enregistré : vérifiez les constats avant de déposer.")
                return redirect("portal:dossier", dossier_id=dossier.pk)
    else:
        initial = {"rpps": request.GET.get("rpps", ""), "finess_geo": request.GET.get("finess_geo", ""),
                   "signature": "psc", "vat_rate": "20", "in_client_name": True, "mention_state_funded": True}  # fmt: skip
        form = DossierForm(initial=initial, versions=available)
    return render(
        request,
        "portal/supplier/new.html",
        {"form": form, "enrolment_blocked": suppliers.organisation_may_file(request.principal.organisation)},
    )


NEW_TOKEN_KEY = "sons_new_token_key"


@filer_only
def bulk_filing(request):
    report = None
    form = BulkForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count, entries = bulk.file_entries(upload.read(), upload.name or "")
            bulk.checked_count(count, "file", "le fichier")
            report = bulk_report(request, entries)
        except Refused as refused:
            form.add_error("file", refused.message)
    return render(request, "portal/supplier/bulk.html", {
        "form": form, "report": report, "columns": ";".join(bulk.CSV_COLUMNS),
        "enrolment_blocked": suppliers.organisation_may_file(request.principal.organisation)})  # fmt: skip


def bulk_report(request, entries) -> dict:
    items = bulk.file_entries_in_chunks(request.principal, entries)
    for item in items:
        if item["status"] != "refused":
            item["state_label"] = DossierState(item["state"]).label
    filed = sum(1 for item in items if item["status"] != "refused")
    return {
        "filed": filed,
        "refused": len(items) - filed,
        "items": items[:1000],
        "more": max(0, len(items) - 1000),
    }


@administrator_only
def tokens(request):
    """POST creates a token and redirects (POST/redirect/GET): its key is shown once, by the GET that follows,
    and reloading the page creates nothing."""
    organisation = request.principal.organisation
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, key = suppliers.issue_token(
            request.principal, form.cleaned_data["label"], organisation=organisation
        )
        request.session[NEW_TOKEN_KEY] = key
        return redirect("portal:supplier_tokens")
    key = request.session.pop(NEW_TOKEN_KEY, None)
    listed = ApiToken.objects.filter(organisation=organisation).order_by("-created_at")
    return render(request, "portal/supplier/tokens.html", {"form": form, "tokens": listed, "key": key})


@administrator_only
@require_POST
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, organisation_id=request.principal.organisation_id)
    suppliers.revoke_token(request.principal, token)
    messages.success(request, f"Jeton « {token.label} » révoqué.")
    return redirect("portal:supplier_tokens")


@supplier_only
def pilot(request):
    """§6.3: choose five clients whose advance is validated, say whose PV d'installation is signed (the PVs
    are joined to each dossier), confirm the training materials; the rules check the perimeter."""
    organisation_id = request.principal.organisation_id
    candidates = (
        own_dossiers(request)
        .filter(state__in=ADVANCE_VALIDATED_STATES)
        .select_related("solution_version__solution")
        .order_by("solution_version_id", "pk")[:500]
    )
    pilots = Pilot.objects.filter(supplier_id=organisation_id).select_related("solution_version__solution")
    findings = []
    if request.method == "POST" and not request.principal.may_file:
        raise PermissionDenied(MEMBER_REFUSALS[FILERS])
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("dossiers") if pk.isdigit()]
        signed = {int(pk) for pk in request.POST.getlist("pv") if pk.isdigit()}
        version_id = (
            own_dossiers(request).filter(pk__in=chosen).values_list("solution_version_id", flat=True).first()
        )
        if version_id is None:
            messages.error(request, "Sélection : cochez les cinq Clients du pilote.")
        else:
            clients = [{"dossier_id": pk, "pv_signed": pk in signed} for pk in chosen]
            try:
                submit_pilot(request.principal, version_id, clients, request.POST.get("training") == "on")
            except PilotRefused as refused:
                findings = finding_rows(refused.findings)
                messages.error(request, "Périmètre pilote refusé par les règles : voir les constats.")
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, "Périmètre pilote transmis à l'ANS.")
                return redirect("portal:supplier_pilot")
    return render(request, "portal/supplier/pilot.html", {"candidates": candidates, "pilots": pilots,
                                                           "findings": findings})  # fmt: skip

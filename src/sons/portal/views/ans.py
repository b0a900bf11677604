"""ANS space: publishers, solutions, versions and their profiles; referencing decisions (grant, refuse,
withdraw after seeing the recovery impact); distributor declarations; obsolete-version declarations checked
by the §4.3 rules; pilot validation (§6.3).

Every decision is taken by the domain (sons.registry.actions, sons.dossiers.referencing, sons.recoveries.withdrawal,
sons.dossiers.pilots), as the API does: the
views read forms, call it, and say what it did or why it refused.
"""

from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from sons.dossiers.enums import DossierState, PilotState
from sons.dossiers.evaluations import trace_of
from sons.dossiers.models import Dossier, Pilot, PilotClient
from sons.dossiers.pilots import decide_pilot
from sons.dossiers.referencing import grant, refuse
from sons.errors import Refused
from sons.recoveries.withdrawal import WithdrawalImpact, withdraw, withdrawal_impact
from sons.registry import actions as registry
from sons.registry.enums import Referencing
from sons.registry.models import DistributorDeclaration, ObsoleteVersion, Publisher, Solution, SolutionVersion
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role

from ..access import role_required
from ..forms_ans import ObsoleteDeclarationForm, PilotDecisionForm, ReferencingForm, WithdrawalForm
from ..presenters import finding_rows, trace_rows
from .catalogue import page_of, profile_labels
from .confirm import Panel, show

ans_only = role_required(Role.ANS_AGENT)

REFERENCING_BADGES = {
    Referencing.PENDING: "info",
    Referencing.GRANTED: "success",
    Referencing.REFUSED: "error",
    Referencing.WITHDRAWN: "warning",
}
PILOT_BADGES = {PilotState.SUBMITTED: "info", PilotState.VALIDATED: "success", PilotState.REFUSED: "error"}


def version_row(version: SolutionVersion, labels: dict[str, str]) -> dict:
    return {
        "version": version,
        "profiles": [labels.get(code, code) for code in version.profiles],
        "badge": REFERENCING_BADGES[version.referencing],
        "state_label": Referencing(version.referencing).label,
    }


@ans_only
def ans_home(request):
    by_state = {
        row["referencing"]: row["n"]
        for row in SolutionVersion.objects.values("referencing").annotate(n=Count("pk")).order_by()
    }
    versions = reverse("portal:ans_versions")
    tiles = [  # (link, title, figure, test id)
        (f"{versions}?etat=pending", "Versions en cours d’instruction", by_state.get(Referencing.PENDING, 0),
         "versions-en-instruction"),
        (reverse("portal:ans_pilots"), "Périmètres pilotes à instruire",
         Pilot.objects.filter(state=PilotState.SUBMITTED).count(), "pilotes-a-instruire"),
        (f"{versions}?etat=granted", "Versions référencées", by_state.get(Referencing.GRANTED, 0), ""),
        (reverse("portal:ans_publishers"), "Éditeurs", Publisher.objects.count(), ""),
        (reverse("portal:ans_distributors"), "Distributeurs déclarés (AF §4.1)", DistributorDeclaration.objects.count(), ""),
        (reverse("portal:obsolete_versions"), "Versions obsolètes publiées (AF §4.3)", ObsoleteVersion.objects.count(), ""),
    ]  # fmt: skip
    return render(request, "portal/ans/home.html", {"tiles": tiles})


@ans_only
def publishers(request):
    listed = Publisher.objects.select_related("organisation").order_by("name", "pk")
    listed = listed.prefetch_related(
        Prefetch("solutions", Solution.objects.order_by("name")),
        Prefetch("solutions__versions", SolutionVersion.objects.order_by("rank", "version")),
    )
    page = page_of(request, listed, 20)
    labels = profile_labels()
    entries = [
        {
            "publisher": publisher,
            "solutions": [
                {"solution": s, "versions": [version_row(v, labels) for v in s.versions.all()]}
                for s in publisher.solutions.all()
            ],
        }
        for publisher in page
    ]
    return render(
        request,
        "portal/ans/publishers.html",
        {"page": page, "entries": entries},
    )


@ans_only
def versions(request):
    chosen = request.GET.get("etat", "")
    if chosen not in Referencing.values:
        chosen = ""
    search = request.GET.get("q", "").strip()
    listed = SolutionVersion.objects.select_related("solution__publisher").order_by(
        "solution__publisher__name", "solution__name", "rank", "version"
    )
    if chosen:
        listed = listed.filter(referencing=chosen)
    if search:
        listed = listed.filter(
            Q(solution__name__icontains=search) | Q(solution__publisher__name__icontains=search)
        )
    page = page_of(request, listed)
    labels = profile_labels()
    return render(
        request,
        "portal/ans/versions.html",
        {
            "page": page,
            "rows": [version_row(v, labels) for v in page],
            "states": Referencing.choices,
            "chosen": chosen,
            "search": search,
        },
    )


def version_context(version: SolutionVersion) -> dict:
    labels = profile_labels()
    dossiers = Dossier.objects.filter(solution_version=version)
    by_state = [
        {"label": DossierState(row["state"]).label, "n": row["n"]}
        for row in dossiers.values("state").annotate(n=Count("pk")).order_by("state")
    ]
    pilots = (
        Pilot.objects.filter(solution_version=version).select_related("supplier").order_by("-submitted_at")
    )
    return {
        "row": version_row(version, labels),
        "dossiers_by_state": by_state,
        "pilots": [
            {"pilot": p, "badge": PILOT_BADGES[p.state], "state_label": PilotState(p.state).label}
            for p in pilots
        ],
        "is_pending": version.referencing == Referencing.PENDING,
        "is_granted": version.referencing == Referencing.GRANTED,
        "referencing_form": ReferencingForm(),
    }


def get_version(pk: int) -> SolutionVersion:
    return get_object_or_404(SolutionVersion.objects.select_related("solution__publisher"), pk=pk)


@ans_only
def version_detail(request, pk: int):
    return render(request, "portal/ans/version.html", version_context(get_version(pk)))


@ans_only
def referencing(request, pk: int):
    """Grant or refuse a referencing, after its panel: the requests waiting for it (§6.2 exception) that it
    validates or rejects, the motive required (kept in the version's and the dossiers' histories)."""
    version = get_version(pk)
    chosen = request.POST.get("decision") if request.method == "POST" else request.GET.get("decision")
    form = ReferencingForm({"decision": chosen})
    if not form.is_valid():
        messages.error(request, "Choisissez une décision de référencement.")
        return redirect("portal:ans_version", pk=version.pk)
    granted = form.cleaned_data["decision"] == "grant"
    waiting = Dossier.objects.filter(
        solution_version=version, state=DossierState.ADVANCE_SUBJECT_TO_REFERENCING
    )
    count = waiting.count()
    name = f"{version.solution.name} {version.version}"
    panel = Panel(
        title=f"{'Accorder' if granted else 'Refuser'} le référencement de {name}",
        button=f"Confirmer : {'accorder' if granted else 'refuser'} le référencement",
        action=reverse("portal:ans_referencing", args=[version.pk]),
        back_url=reverse("portal:ans_version", args=[version.pk]), back_label=name,
        impact=[f"La décision est définitive pour la version {name}.",
                f"{count} demande(s) d'avance recevable(s) sous réserve du référencement (AF §6.2) "
                f"{'seront validées' if granted else 'seront rejetées'}."],
        motive_label="Motif de la décision (obligatoire)", hidden={"decision": form.cleaned_data["decision"]},
    )  # fmt: skip
    if request.method != "POST":
        return show(request, panel)
    motive = panel.form(request.POST)
    if not motive.is_valid():
        return show(request, panel, motive, status=400)
    decide = grant if granted else refuse
    try:
        moved = decide(request.principal, version, reason=motive.text)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("portal:ans_version", pk=version.pk)
    verb = "accordé" if granted else "refusé"
    outcome = "validées" if granted else "rejetées"
    messages.success(
        request,
        f"Référencement {verb} pour {version.solution.name} {version.version}. "
        f"Demandes d’avance recevables sous réserve du référencement (AF §6.2) {outcome} : {len(moved)}.",
    )
    return redirect("portal:ans_version", pk=version.pk)


@ans_only
def withdrawal(request, pk: int):
    """The impact first (dossiers and euros that go to recovery), then the confirmation of that impact."""
    version = get_version(pk)
    status = 200
    unconfirmed = False
    if request.method == "POST":
        form = WithdrawalForm(request.POST)
        if form.is_valid():
            shown = WithdrawalImpact(form.cleaned_data["dossiers"], form.cleaned_data["paid"])
            try:
                cases = withdraw(request.principal, version, shown)
            except Refused as refused:
                messages.error(request, refused.message)
                status = 409
                version.refresh_from_db()
            else:
                amount = sum((case.amount for case in cases), Decimal("0.00"))
                plural = "s" if len(cases) > 1 else ""
                messages.success(
                    request,
                    f"Référencement retiré pour {version.solution.name} {version.version} : "
                    f"{len(cases)} dossier{plural} en recouvrement pour {euros_fr(amount)}.",
                )
                return redirect("portal:ans_version", pk=version.pk)
        else:
            messages.error(request, "Le retrait n’a pas été confirmé : voyez les erreurs ci-dessous.")
            status = 400
            unconfirmed = True
    impact = withdrawal_impact(version)
    # The form always carries the impact displayed now: that is what the agent confirms.
    shown = {"dossiers": impact.dossiers, "paid": f"{impact.paid:.2f}"}
    if unconfirmed:  # the same impact, the error next to the unticked box
        form = WithdrawalForm(shown)
        form.is_valid()
    else:
        form = WithdrawalForm(initial=shown)
    context = {
        "row": version_row(version, profile_labels()),
        "impact": impact,
        "impact_paid": euros_fr(impact.paid),
        "is_granted": version.referencing == Referencing.GRANTED,
        "form": form,
    }
    return render(request, "portal/ans/withdrawal.html", context, status=status)


@ans_only
def distributors(request):
    listed = DistributorDeclaration.objects.select_related("solution__publisher", "distributor").order_by(
        "solution__publisher__name", "solution__name", "distributor__name"
    )
    page = page_of(request, listed)
    return render(request, "portal/ans/distributors.html", {"page": page})


@ans_only
def obsolete_declaration(request, pk: int):
    solution = get_object_or_404(Solution.objects.select_related("publisher"), pk=pk)
    already = list(
        ObsoleteVersion.objects.filter(solution=solution).order_by("rank").values_list("version", flat=True)
    )
    outcome = None
    status = 200
    if request.method == "POST":
        form = ObsoleteDeclarationForm(request.POST, already_obsolete=already)
        if form.is_valid():
            obsolete, outcome = registry.declare_obsolete(request.principal, solution, form.declaration())
            if obsolete is not None:
                messages.success(
                    request,
                    f"Déclaration conforme : la version {obsolete.version} de {solution.name} figure désormais "
                    "sur la liste publique des versions obsolètes (AF §4.3).",
                )
                already.append(obsolete.version)
                form = ObsoleteDeclarationForm(already_obsolete=already)
            else:
                blocking = sum(1 for f in outcome.findings if f.severity == "blocking")
                messages.error(
                    request,
                    f"Déclaration refusée : {blocking} condition{'s' if blocking > 1 else ''} du §4.3 "
                    f"non respectée{'s' if blocking > 1 else ''}.",
                )
                status = 422
        else:
            messages.error(request, "La déclaration comporte des erreurs : voyez les champs signalés.")
            status = 400
    else:
        form = ObsoleteDeclarationForm(already_obsolete=already)
    context = {
        "solution": solution,
        "already": already,
        "form": form,
        "checked": outcome is not None,
        "accepted": outcome is not None and outcome.ok,
        "findings": finding_rows(outcome.findings) if outcome is not None else [],
        "trace": trace_rows(trace_of(outcome)) if outcome is not None else [],
    }
    return render(request, "portal/ans/obsolete.html", context, status=status)


@ans_only
def pilots(request):
    chosen = request.GET.get("etat", PilotState.SUBMITTED)
    if chosen not in PilotState.values and chosen != "tous":
        chosen = PilotState.SUBMITTED
    listed = Pilot.objects.select_related("supplier", "solution_version__solution__publisher").annotate(
        clients=Count("pilotclient"), pv_signed=Count("pilotclient", filter=Q(pilotclient__pv_signed=True))
    )
    if chosen != "tous":
        listed = listed.filter(state=chosen)
    page = page_of(request, listed.order_by("submitted_at", "pk"))
    rows = [
        {"pilot": p, "badge": PILOT_BADGES[p.state], "state_label": PilotState(p.state).label} for p in page
    ]
    return render(
        request,
        "portal/ans/pilots.html",
        {
            "page": page,
            "rows": rows,
            "states": [*PilotState.choices, ("tous", "Tous")],
            "chosen": chosen,
        },
    )


@ans_only
def pilot_detail(request, pk: int):
    pilot = get_object_or_404(
        Pilot.objects.select_related("supplier", "solution_version__solution__publisher"), pk=pk
    )
    status = 200
    if request.method == "POST":
        form = PilotDecisionForm(request.POST)
        if form.is_valid():
            accept = form.cleaned_data["decision"] == "validate"
            try:
                decide_pilot(request.principal, pilot, accept, form.cleaned_data["reason"].strip())
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                version = pilot.solution_version
                if accept:
                    messages.success(
                        request,
                        f"Périmètre pilote validé : les premières installations réussies de "
                        f"{version.solution.name} {version.version} sont publiées (AF §6.3).",
                    )
                else:
                    messages.success(
                        request, "Périmètre pilote refusé ; le motif est communiqué au Fournisseur."
                    )
            return redirect("portal:ans_pilot", pk=pilot.pk)
        messages.error(request, "La décision comporte des erreurs : voyez les champs signalés.")
        status = 400
    else:
        form = PilotDecisionForm()
    clients = PilotClient.objects.filter(pilot=pilot).select_related("dossier").order_by("dossier_id")
    context = {
        "pilot": pilot,
        "badge": PILOT_BADGES[pilot.state],
        "state_label": PilotState(pilot.state).label,
        "is_submitted": pilot.state == PilotState.SUBMITTED,
        "clients": [{"client": c, "dossier_state": DossierState(c.dossier.state).label} for c in clients],
        "documents": list(pilot.documents.order_by("pk")),
        "findings": finding_rows(pilot.findings),
        "form": form,
    }
    return render(request, "portal/ans/pilot.html", context, status=status)

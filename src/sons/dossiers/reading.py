"""What the pages read of dossiers, computed by the domain so that the views only parse the request and render:
a dossier's page (what was decided, its deadlines, history, messages, pieces, the steps open to the viewer) and
a supplier's dashboard (its dossiers by state, what falls due, its conditional orders)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from sons import clock
from sons.rules import load_parameters
from sons.rules.codes import DECISIONS, REQUESTS
from sons.suppliers.perms import Principal

from . import evaluations
from .deadlines import RELEVANT, deadlines_of, labelled, next_of
from .enums import DossierState
from .models import Dossier, Evaluation
from .workflow import DOSSIER

ZERO = Decimal("0.00")
BEFORE_REFERENCING = (DossierState.DRAFT, DossierState.ADVANCE_FILED, DossierState.ADVANCE_TO_COMPLETE,
                      DossierState.ADVANCE_SUBJECT_TO_REFERENCING)  # fmt: skip


@dataclass
class DossierPage:
    dossier: Dossier
    evaluation: Evaluation | None  # the last decision of the rules, as it was taken
    decision_label: str
    request_label: str
    findings: list[dict]  # the decision's, and the directory's alerts since
    trace: list[list]
    deadlines: list[dict]
    next_deadline: dict | None
    history: list
    messages: list
    documents: list
    steps: set[str]  # the lifecycle's steps open to the viewer in this state


def dossier_page(dossier: Dossier, principal: Principal) -> DossierPage:
    decided = evaluations.last(dossier)
    deadlines = deadlines_of(dossier)
    history = list(dossier.transitions.order_by("at", "pk"))
    for transition in history:
        transition.step_label = (
            DOSSIER.steps[transition.name].label if transition.name in DOSSIER.steps else transition.name
        )
    return DossierPage(
        dossier=dossier, evaluation=decided,
        decision_label=DECISIONS.label(decided.decision) if decided else "non évalué",
        request_label=REQUESTS.label(decided.request).lower() if decided else "",
        findings=[*(decided.findings if decided else []), *dossier.directory_alerts],
        trace=decided.trace if decided else [],
        deadlines=labelled(deadlines), next_deadline=next_of(deadlines), history=history,
        messages=list(dossier.messages.order_by("at", "pk")), documents=list(dossier.documents.order_by("-at")),
        steps={step.name for step in DOSSIER.allowed(dossier, principal)},
    )  # fmt: skip


def supplier_dashboard(dossiers) -> dict:
    """The supplier's `dossiers` (its queryset): by state with their amounts, what falls due next, the conditional
    orders whose days still run (§4.3)."""
    by_state = {row["state"]: row for row in dossiers.values("state").annotate(
        n=Count("pk"), financed=Sum("financed"), paid=Sum("paid_advance") + Sum("paid_balance"))}  # fmt: skip
    states = [{"label": label, "state": state, "n": by_state[state]["n"],
               "financed": by_state[state]["financed"] or ZERO, "paid": by_state[state]["paid"] or ZERO}
              for state, label in DossierState.choices if state in by_state]  # fmt: skip
    totals = dossiers.aggregate(
        requested=Sum("financed"), advance=Sum("paid_advance"), balance=Sum("paid_balance")
    )
    today = clock.today()
    days = load_parameters().at(today).conditional_order_days
    conditional = []
    running = (dossiers.filter(state__in=BEFORE_REFERENCING).conditional_orders_running(today, days)
               .select_related("solution_version").order_by("order_signed_on")[:20])  # fmt: skip
    for dossier in running:
        until = deadlines_of(dossier).get("complete_dossier_until")
        if until:
            conditional.append({"dossier": dossier, "until": until, "days": (until - today).days})
    upcoming = []
    for dossier in (
        dossiers.filter(state__in=list(RELEVANT)).select_related("solution_version").order_by("pk")[:200]
    ):
        following = next_of(deadlines_of(dossier))
        if following:
            upcoming.append({"dossier": dossier, **following})
    upcoming.sort(key=lambda row: row["date"])
    return {"states": states, "total": sum(s["n"] for s in states), "requested": totals["requested"] or ZERO,
            "paid": (totals["advance"] or ZERO) + (totals["balance"] or ZERO), "conditional": conditional,
            "upcoming": upcoming[:10]}  # fmt: skip


@dataclass(frozen=True)
class ClientLabel:
    name: str  # as the directory knows it ("" when it does not)
    category: str  # the profession (IPA said), or « Centre de santé infirmier »
    identifier: str  # « RPPS 10001234565 », « FINESS géographique 750000015 »


def client_labels(dossiers) -> dict[str, ClientLabel]:
    """Each dossier's client as the directory knows it, by client key (two queries for any number)."""
    from sons.directory.models import Centre, Professional

    dossiers = list(dossiers)
    rpps = {d.rpps for d in dossiers if d.rpps}
    finess = {d.finess_geo for d in dossiers if d.finess_geo}
    found = {}
    for person in Professional.objects.filter(rpps__in=rpps):
        category = person.get_profession_display() + (" (IPA)" if person.is_ipa else "")
        found[f"rpps:{person.rpps}"] = ClientLabel(f"{person.first_name} {person.last_name}".strip(), category,
                                                   f"RPPS {person.rpps}")  # fmt: skip
    for centre in Centre.objects.filter(finess_geo__in=finess):
        found[f"finess:{centre.finess_geo}"] = ClientLabel(
            centre.name, "Centre de santé infirmier", f"FINESS géographique {centre.finess_geo}"
        )
    for d in dossiers:  # a client the directory does not know: its identifier only
        if d.client_key not in found:
            found[d.client_key] = ClientLabel(
                "", "" if d.rpps else "Centre de santé infirmier",
                f"RPPS {d.rpps}" if d.rpps else f"FINESS géographique {d.finess_geo}",
            )  # fmt: skip
    return found

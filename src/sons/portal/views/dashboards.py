"""Dashboards with charts (staff): the figures of sons.dossiers.figures, drawn as SVG bar charts followed by
their tables."""

from __future__ import annotations

from django.shortcuts import render

from sons.dossiers.figures import REFRESH_MINUTES, days_fr, figures_cached, totals_of
from sons.rules.money import euros_fr

from ..access import STAFF, role_required
from ..charts import Bar, bar_chart


def count_fr(value) -> str:
    return f"{value:,}".replace(",", " ")


def charts_of(title: str, rows: list[dict]) -> dict:
    return {
        "count": bar_chart(
            f"{title} : nombre de dossiers", [Bar(r["label"], r["n"]) for r in rows], count_fr
        ),
        "euros": bar_chart(
            f"{title} : montant financé", [Bar(r["label"], r["financed"]) for r in rows], euros_fr
        ),
    }


@role_required(*STAFF)
def dashboards(request):
    data = figures_cached()
    states, professions, months, flow, delays = (
        data[k] for k in ("states", "professions", "months", "flow", "delays")
    )
    context = {
        "computed_at": data["computed_at"],
        "refresh_minutes": REFRESH_MINUTES,
        "totals": totals_of(states),
        "states": states,
        "states_charts": charts_of("Dossiers par état", states),
        "professions": professions,
        "professions_totals": totals_of(professions),
        "professions_charts": charts_of("Dossiers par profession", professions),
        "months": months,
        "months_totals": totals_of(months),
        "months_charts": charts_of("Dossiers par mois de dépôt de la demande d’avance", months),
        "flow": [{**row, "amount_fr": euros_fr(row["amount"])} for row in flow],
        "flow_chart": bar_chart(
            "Montants engagés, versés et reversés", [Bar(r["label"], r["amount"]) for r in flow], euros_fr
        ),
        "delays": delays,
        "delays_chart": bar_chart(
            "Délai médian entre le dépôt et la décision (jours)",
            [Bar(d["label"], d["median"]) for d in delays if d["median"] is not None],
            days_fr,
        ),
    }
    return render(request, "portal/dashboards/index.html", context)

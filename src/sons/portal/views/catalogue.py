"""Public lists: referenced solutions with their profiles and first successful installations (AF §3, §4.2,
§6.3), and the versions declared obsolete by their publishers (§4.3: « L'ANS rend public sur son site la liste
des versions logicielles déclarées obsolètes »)."""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.shortcuts import render

from sons.dossiers.enums import PilotState
from sons.registry.enums import Referencing
from sons.registry.models import ObsoleteVersion, SolutionVersion
from sons.rules.codes import PROFILES

PER_PAGE = 25


def profile_labels() -> dict[str, str]:
    """Code → French label of the profiles validated at referencing (§4.2)."""
    return dict(PROFILES.choices)


def page_of(request, items, per_page: int = PER_PAGE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def solutions(request):
    labels = profile_labels()
    chosen = request.GET.get("profil", "")
    error = None
    if chosen and chosen not in labels:
        error = f"Profil inconnu : « {chosen} »."
        chosen = ""
    versions = (
        SolutionVersion.objects.filter(referencing=Referencing.GRANTED)
        .select_related("solution__publisher")
        .annotate(validated_pilots=Count("pilot", filter=Q(pilot__state=PilotState.VALIDATED)))
        .order_by("solution__publisher__name", "solution__name", "rank", "version")
    )
    if chosen and connection.features.supports_json_field_contains:
        versions = versions.filter(profiles__contains=[chosen])
    elif chosen:  # SQLite: the referenced versions are a few hundred at most
        versions = [v for v in versions if chosen in v.profiles]
    page = page_of(request, versions)
    rows = [
        {
            "version": v,
            "profiles": [labels.get(code, code) for code in v.profiles],
            "validated_pilots": v.validated_pilots,
        }
        for v in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "profiles": sorted(labels.items(), key=lambda item: item[1]),
        "chosen": chosen,
        "chosen_label": labels.get(chosen, ""),
        "error": error,
    }
    return render(request, "portal/catalogue/solutions.html", context, status=400 if error else 200)


def obsolete_versions(request):
    obsolete = ObsoleteVersion.objects.select_related("solution__publisher").order_by(
        "solution__publisher__name", "solution__name", "rank", "version"
    )
    page = page_of(request, obsolete)
    return render(
        request,
        "portal/catalogue/obsolete_versions.html",
        {"page": page},
    )

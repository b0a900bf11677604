"""Is a client eligible (§4.2)? The rules' verdict on each client alone, before any order: a draft of each is
evaluated on facts loaded once for all of them, and the findings about the client are kept."""

from __future__ import annotations

from sons import clock
from sons.registry.models import SolutionVersion
from sons.suppliers.models import Organisation

from . import declaration
from .enums import ClientKind
from .models import Dossier
from .snapshot import Facts, client_key, evaluate_dossier

# The rules that speak of the client (its category, its directory facts, the solution's profile for it).
CLIENT_RULES = ("client_", "centre_", "solution_has_client_profile")


def version_for(organisation: Organisation) -> SolutionVersion | None:
    """A version the supplier sells (its own first), to evaluate the client against its profiles."""
    versions = SolutionVersion.objects.select_related("solution__publisher").order_by(
        "solution__publisher__name", "solution__name", "rank"
    )
    return versions.filter(solution__publisher__organisation=organisation).first() or versions.first()


def clients_eligibility(organisation: Organisation, clients: list[tuple[str, str, str]]) -> list[list[dict]]:
    """For each (kind, rpps, finess): the rules' findings about the client (none: eligible)."""
    version = version_for(organisation)
    if version is None:
        return [[] for _ in clients]
    drafts = []
    for kind, rpps, finess in clients:
        draft = Dossier(supplier=organisation, solution_version=version, client_kind=kind, rpps=rpps,
                        finess_geo=finess, client_key=client_key(kind, rpps, finess))  # fmt: skip
        identity = {"rpps": rpps} if kind == ClientKind.PROFESSIONAL else {"finess_geo": finess}
        draft.declare(declaration.read({"client": identity, "solution_version_id": version.pk, "order": {}}))
        drafts.append(draft)
    facts, today = Facts(drafts, [organisation]), clock.today()
    return [
        [
            f.as_dict()
            for f in evaluate_dossier(d, "advance", today, facts).findings
            if f.rule.startswith(CLIENT_RULES)
        ]
        for d in drafts
    ]

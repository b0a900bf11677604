"""The filters of the dossiers' list, declared once: the instructors' queue, its export (« Exporter cette vue »
gives exactly the rows of the view) and the API's list and export all read them (sons.filtering)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from sons import clock
from sons.directory.enums import Profession
from sons.directory.models import Centre, Professional
from sons.filtering import BadFilter, Filter, choice_filter, date_filter, ids_filter, one_of, values
from sons.rules import codes, load_parameters

from .enums import ClientKind, DossierState
from .models import conditional_order_running

TRANCHES = codes.TRANCHES.codes
# Conditional orders whose days run out within this many days (§4.3).
DEADLINE_WINDOWS = ("30", "60")


def of_profession(professions: list[str]) -> Q:
    """The profession as the rules read it (an IDE in advanced practice is an IPA)."""
    rpps = (
        Professional.objects.with_rules_profession().filter(rules_profession__in=professions).values("rpps")
    )
    return Q(rpps__in=rpps)


def in_tranche(tranches: list[str]) -> Q:
    return Q(finess_geo__in=Centre.objects.filter(tranche__in=tranches).values("finess_geo"))


def rule_codes(field: str, raw: str) -> list[str]:
    found = values(raw)
    if not found or not all(code.replace("_", "").isalnum() and code.isascii() for code in found):
        raise BadFilter(f"Filtre « {field} » : code de règle attendu (lettres, chiffres et « _ »).", field)
    return found


def with_finding(codes: list[str]) -> Q:
    """Dossiers whose stored findings name one of the rules `codes`."""
    found = Q()
    for code in codes:
        found |= Q(findings__icontains=f'"{code}"')
    return found


def conditional_order_ending(windows: list[str]) -> Q:
    """Conditional orders (version without a complete referencing dossier) whose days run out within the
    widest window given."""
    today = clock.today()
    days = load_parameters().at(today).conditional_order_days
    window = max(int(w) for w in windows)
    return conditional_order_running(today, days) & Q(
        order_signed_on__lte=today - timedelta(days=days - window)
    )


S = DossierState
# The instructors' queue in tabs: the requests to instruct, those waiting for the supplier's completion, those
# decided (validated, paid, rejected, in recovery…), and all of them. None holds a draft: the ASP never received
# it (§2).
WAITING = (S.ADVANCE_FILED, S.BALANCE_FILED, S.ADVANCE_TO_COMPLETE, S.BALANCE_TO_COMPLETE)
TABS = {
    "to_instruct": (S.ADVANCE_FILED, S.BALANCE_FILED),
    "to_complete": (S.ADVANCE_TO_COMPLETE, S.BALANCE_TO_COMPLETE),
    "done": tuple(s for s in S if s not in (S.DRAFT, *WAITING)),
    "all": tuple(s for s in S if s != S.DRAFT),
}
TAB_LABELS = {"to_instruct": "À instruire", "to_complete": "À compléter (chez le Fournisseur)", "done": "Traités",
              "all": "Tous"}  # fmt: skip
FIRST_TAB = "to_instruct"


def in_tab(tabs: list[str]) -> Q:
    return Q(state__in=[state for tab in tabs for state in TABS[tab]])


DOSSIER_FILTERS = {
    "tab": Filter(one_of(tuple(TABS)), in_tab, "onglet de la file : to_instruct (à instruire), to_complete "
                  "(à compléter, chez le Fournisseur), done (traités), all (tous, hors brouillons)"),
    "state": choice_filter("state", DossierState),
    "supplier": ids_filter("supplier_id"),
    "solution_version": ids_filter("solution_version_id"),
    "client_kind": choice_filter("client_kind", ClientKind),
    "profession": Filter(one_of(Profession), of_profession, f"parmi {', '.join(Profession.values)}"),
    "tranche": Filter(one_of(TRANCHES), in_tranche, f"parmi {', '.join(TRANCHES)}"),
    "finding": Filter(rule_codes, with_finding, "codes de règle des constats, séparés par des virgules"),
    "deadline": Filter(one_of(DEADLINE_WINDOWS), conditional_order_ending,
                       "commande conditionnelle dont le délai s'achève sous 30 ou 60 jours"),
    "filed_from": date_filter("advance_filed_on", "gte"),
    "filed_to": date_filter("advance_filed_on", "lte"),
    "supplier_reference": Filter(lambda field, raw: raw.strip(), lambda v: Q(supplier_reference=v),
                                 "référence de commande du Fournisseur (valeur exacte)"),
}  # fmt: skip

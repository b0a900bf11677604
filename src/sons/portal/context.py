"""The navigation of every page: the public links and, for a signed-in user, those of their role."""

from django.urls import reverse

from sons import clock
from sons.rules import load_parameters
from sons.suppliers.enums import Role

from .access import principal_of

PUBLIC = [
    ("portal:home", "Accueil"),
    ("portal:simulator", "Simulateur"),
    ("portal:calendar", "Calendrier"),
    ("portal:bareme", "Barème"),
    ("portal:solutions", "Solutions référencées"),
]
BY_ROLE = {
    Role.SUPPLIER_MEMBER: [
        ("portal:supplier_home", "Tableau de bord"),
        ("portal:supplier_dossiers", "Mes dossiers"),
        ("portal:client_search", "Rechercher un Client"),
        ("portal:dossier_new", "Nouveau dossier"),
        ("portal:bulk_filing", "Dépôt en masse"),
        ("portal:supplier_pilot", "Pilote"),
        ("portal:supplier_tokens", "Jetons d'API"),
    ],
    Role.ASP_INSTRUCTOR: [
        ("portal:queue", "File d'instruction"),
        ("portal:recoveries", "Recouvrements"),
        ("portal:dashboards", "Tableaux de bord"),
    ],
    Role.ASP_PAYING_AGENT: [
        ("portal:batches", "Lots de paiement"),
        ("portal:recoveries", "Recouvrements"),
        ("portal:dashboards", "Tableaux de bord"),
    ],
    Role.ANS_AGENT: [
        ("portal:ans_home", "Référencement"),
        ("portal:dashboards", "Tableaux de bord"),
    ],
}
BY_ROLE[Role.ADMIN] = [*BY_ROLE[Role.ASP_INSTRUCTOR], ("portal:batches", "Lots de paiement"),
                       ("portal:ans_home", "Référencement")]  # fmt: skip


def navigation(request):
    principal = principal_of(request) if hasattr(request, "user") else None
    entries = PUBLIC + (BY_ROLE.get(principal.role, []) if principal else [])
    current = request.path
    links = []
    for name, label in entries:
        url = reverse(name)
        active = current == url if url == "/" else current.startswith(url)
        links.append({"url": url, "label": label, "active": active})
    return {
        "nav_links": links,
        "nav_principal": principal,
        "nav_role_label": Role(principal.role).label if principal else "",
    }


def af_figures(request):
    """The AF's figures the pages quote (the advance's share, the conditional order's days…), read from the
    parameters in force today, never typed in a template."""
    p = load_parameters().at(clock.today())
    advance = int(p.advance_share * 100)
    return {"af": {"advance_percent": f"{advance} %", "balance_percent": f"{100 - advance} %",
                   "conditional_order_days": p.conditional_order_days}}  # fmt: skip

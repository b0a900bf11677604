"""The navigation of every page: the public links and, for a signed-in user, those of their roles."""

from django.urls import reverse

from sons import clock
from sons.rules import load_parameters
from sons.suppliers.enums import MemberRole, Role

from .access import principal_of

PUBLIC = [
    ("portal:home", "Accueil"),
    ("portal:simulator", "Simulateur"),
    ("portal:calendar", "Calendrier"),
    ("portal:bareme", "Barème"),
    ("portal:solutions", "Solutions référencées"),
]
# The DSFR skip links (django-dsfr's dsfr_skiplinks, in its base template).
SKIPLINKS = [
    {"link": "#content", "label": "Contenu"},
    {"link": "#fr-navigation", "label": "Menu"},
    {"link": "#footer", "label": "Pied de page"},
]
FILERS = (MemberRole.ADMINISTRATOR, MemberRole.FILER)
ADMINISTRATORS = (MemberRole.ADMINISTRATOR,)
# (url name, label, member roles who see it: None for every member)
SUPPLIER = [
    ("portal:supplier_home", "Tableau de bord", None),
    ("portal:supplier_dossiers", "Mes dossiers", None),
    ("portal:client_search", "Rechercher un Client", None),
    ("portal:dossier_new", "Nouveau dossier", FILERS),
    ("portal:bulk_filing", "Dépôt en masse", FILERS),
    ("portal:supplier_pilot", "Pilote", None),
    ("portal:enrolment", "Enrôlement", None),
    ("portal:members", "Membres", ADMINISTRATORS),
    ("portal:supplier_tokens", "Jetons d'API", ADMINISTRATORS),
    ("portal:supplier_webhooks", "Webhooks", ADMINISTRATORS),
]
BY_ROLE = {
    Role.ASP_INSTRUCTOR: [
        ("portal:queue", "File d'instruction"),
        ("portal:enrolments", "Enrôlements"),
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
    Role.ASP_ADMIN: [("portal:staff_agents", "Agents")],
    Role.ANS_ADMIN: [("portal:staff_agents", "Agents")],
}
BY_ROLE[Role.ADMIN] = [*BY_ROLE[Role.ASP_INSTRUCTOR], ("portal:batches", "Lots de paiement (consultation)"),
                       ("portal:ans_home", "Référencement")]  # fmt: skip


def entries_of(principal) -> list[tuple[str, str]]:
    if principal is None:
        return []
    if principal.is_supplier:
        return [(name, label) for name, label, who in SUPPLIER if who is None or principal.member_role in who]
    entries: list[tuple[str, str]] = []
    for role in Role.values:
        if role in principal.roles:
            entries += [entry for entry in BY_ROLE.get(role, []) if entry not in entries]
    return entries


def navigation(request):
    principal = principal_of(request) if hasattr(request, "user") else None
    entries = PUBLIC + entries_of(principal)
    if principal is not None:
        entries.append(("portal:account", "Mon compte"))
    current = request.path
    urls = [(reverse(name), label) for name, label in entries]
    # The entry whose address is the longest beginning of the page's is the current one.
    matching = [url for url, _ in urls if current == url or (url != "/" and current.startswith(url))]
    active = max(matching, key=len, default=None)
    links = [{"url": url, "label": label, "active": url == active} for url, label in urls]
    return {
        "skiplinks": SKIPLINKS,
        "nav_links": links,
        "nav_principal": principal,
        "nav_role_label": role_label(principal),
    }


def role_label(principal) -> str:
    if principal is None:
        return ""
    if principal.is_supplier and principal.organisation is not None:
        if not principal.member_role:
            return principal.organisation.name
        return f"{principal.organisation.name} ({MemberRole(principal.member_role).label.lower()})"
    return ", ".join(Role(role).label for role in Role.values if role in principal.roles)


def af_figures(request):
    """The AF's figures the pages quote (the advance's share, the conditional order's days…), read from the
    parameters in force today, never typed in a template."""
    p = load_parameters().at(clock.today())
    advance = int(p.advance_share * 100)
    return {"af": {"advance_percent": f"{advance} %", "balance_percent": f"{100 - advance} %",
                   "conditional_order_days": p.conditional_order_days}}  # fmt: skip

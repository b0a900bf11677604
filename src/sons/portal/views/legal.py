"""The site's legal pages, linked from every footer: mentions légales, personal data, the accessibility
statement (« non conforme » until an RGAA audit) and the site map."""

from django.shortcuts import render
from django.urls import reverse

from ..access import principal_of
from ..context import PUBLIC, entries_of

LEGAL = [
    ("portal:legal_notice", "Mentions légales"),
    ("portal:personal_data", "Données personnelles"),
    ("portal:accessibility", "Déclaration d'accessibilité"),
    ("portal:sitemap", "Plan du site"),
]
ACCOUNT = [("portal:login", "Se connecter"), ("portal:sign_up", "Créer un compte Fournisseur"),
           ("portal:password_reset", "Mot de passe oublié")]  # fmt: skip


def legal_notice(request):
    return render(request, "portal/legal/legal_notice.html")


def personal_data(request):
    return render(request, "portal/legal/personal_data.html")


def accessibility(request):
    return render(request, "portal/legal/accessibility.html")


def sitemap(request):
    """Every page one may reach from the menu: the public ones, then those of the signed-in user's roles."""
    principal = principal_of(request)

    def links(entries):
        return [{"url": reverse(name), "label": label} for name, label in entries]

    sections = [{"title": "Pages publiques", "links": links(PUBLIC)}]
    own = entries_of(principal)
    if own:
        sections.append({"title": "Mon espace", "links": links([*own, ("portal:account", "Mon compte")])})
    else:
        sections.append({"title": "Compte", "links": links(ACCOUNT)})
    sections.append({"title": "Informations légales", "links": links(LEGAL)})
    return render(request, "portal/legal/sitemap.html", {"sections": sections})

"""The DSFR shell of every page (django-dsfr's base template): a header whose navigation the DSFR script can
copy to the mobile menu (« Menu » button, modal, `.fr-header__menu-links`: without it HeaderLinks.init threw on
every page), sign-out reachable from that menu, a footer with the legal links, one breadcrumb."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.portal.world import PASSWORD

pytestmark = pytest.mark.django_db

LEGAL = {
    "portal:sitemap": "Plan du site",
    "portal:accessibility": "Accessibilité : non conforme",
    "portal:legal_notice": "Mentions légales",
    "portal:personal_data": "Données personnelles",
}


def page_of(client, url_name="portal:home") -> str:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_has_the_burger_button_the_mobile_modal_and_the_menu_links(client):
    page = page_of(client)
    assert re.search(r'<button class="fr-btn--menu fr-btn"[^>]*aria-controls="fr-menu-mobile"', page)
    assert (
        '<div class="fr-header__menu fr-modal" id="fr-menu-mobile" aria-labelledby="fr-btn-menu-mobile">'
        in page
    )
    assert '<div class="fr-header__menu-links"></div>' in page  # the DSFR script copies the tools here
    assert '<div class="fr-header__tools-links">' in page
    assert 'id="fr-navigation"' in page and 'href="#fr-navigation"' in page  # the « Menu » skip link's target
    assert '<main id="content" role="main">' in page and 'href="#content"' in page


def test_the_sign_out_button_is_in_the_tools_the_mobile_menu_copies(client, spaces):
    signed_in = Client()
    assert signed_in.login(username="fournisseur", password=PASSWORD)
    page = signed_in.get(reverse("portal:supplier_home")).content.decode()
    tools = page[page.index('<div class="fr-header__tools-links">') : page.index("fr-header__menu fr-modal")]
    assert "Se déconnecter" in tools
    assert reverse("portal:logout") in tools


def test_the_dsfr_script_is_django_dsfrs_own(client):
    page = page_of(client)
    assert 'src="/static/dsfr/dist/dsfr/dsfr.module.min.js"' in page
    assert 'integrity="sha' in page  # django-dsfr's checksums


def test_the_footer_links_the_legal_pages_and_each_answers(client):
    page = page_of(client)
    footer = page[page.index('<footer class="fr-footer"') :]
    for name, label in LEGAL.items():
        assert f'href="{reverse(name)}">{label}</a>' in footer
        assert client.get(reverse(name)).status_code == 200


def test_the_accessibility_statement_says_non_conforme_until_an_audit(client):
    page = page_of(client, "portal:accessibility")
    assert '<strong data-testid="conformite">non conforme</strong>' in page
    assert "RGAA" in page


def test_the_site_map_lists_the_pages_of_the_signed_in_users_roles(client, spaces):
    public = page_of(client, "portal:sitemap")
    assert reverse("portal:simulator") in public and reverse("portal:queue") not in public
    instructor = Client()
    assert instructor.login(username="instructeur", password=PASSWORD)
    assert reverse("portal:queue") in instructor.get(reverse("portal:sitemap")).content.decode()


def test_one_breadcrumb_the_dsfr_one_beginning_with_home(client):
    page = page_of(client, "portal:solutions")
    assert page.count('class="fr-breadcrumb"') == 1
    crumbs = re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]+)</a>', page)
    assert crumbs == ["Accueil", "Solutions référencées"]

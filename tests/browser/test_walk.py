"""The portal in Debian's Chromium, driven by Playwright, at 1280 px and at 375 px. Every page of the walk is
held by tests/browser/walker.py: no JavaScript error on the console, 0 axe-core violation, a screenshot in
var/screenshots/.

- The whole path: the simulator, a supplier files a dossier, the instructor requests completion, the supplier
  completes, the instructor validates in bulk, a payment batch is prepared and its SEPA file downloaded. Filing
  joins the signed order first; every decision goes through its confirmation panel (its motive).
- Every role of the demonstration (`seed_demo`) visits every page of its menu, the rule-by-rule explanation of a
  dossier opens, and on a phone the menu opens from the « Menu » button and signs out.
- A supplier typing another supplier's dossier URL gets a 404."""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sons.accounts import demo
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.payments.models import PaymentBatch
from sons.suppliers.enums import Role
from tests.browser.walker import (
    WIDTHS,
    Walk,
    decide,
    file_draft,
    needs_axe,
    needs_chromium,
    order_pdf,
    second_factor,
)
from tests.db_factories import join_pieces
from tests.portal.world import PASSWORD, account

pytestmark = [needs_chromium, needs_axe, pytest.mark.django_db(transaction=True)]
widths = pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))


@widths
def test_whole_path_in_the_browser(browser, live_server, world, width, tmp_path):
    walk = Walk(browser, live_server.url, width)
    page = walk.page
    # The public simulator for people: an IDE's order of 225 € HT is financed 225 € (the amount as stated).
    walk.goto("/simulateur/", "00-simulateur-simple")
    page.get_by_label("Bon de commande signé le").fill("2026-08-10")
    page.get_by_label("Montant de la ligne « Prestation Ségur » du bon de commande (€)").fill("225")
    page.get_by_text("HT : Fournisseur non assujetti à la TVA").click()
    page.get_by_role("button", name="Simuler").click()
    assert "serait financée 225,00 €" in page.get_by_test_id("phrase-resultat").text_content()
    walk.check("00b-simulateur-resultat")
    # Its expert mode, the whole dossier in JSON.
    walk.goto("/simulateur/?exemple=admissible--avance-infirmier-liberal", check=False)
    page.get_by_role("button", name="Évaluer le dossier").click()
    assert page.get_by_test_id("decision").text_content() == "Recevable"
    walk.check("01-simulateur")
    walk.goto("/bareme/", "02-bareme")

    # A supplier creates a dossier, sees the rules' findings, files it.
    walk.sign_in("fournisseur", PASSWORD)
    assert page.url.endswith("/fournisseur/")
    walk.check("03-fournisseur-tableau-de-bord")
    client = world.professionals[0]
    walk.goto("/fournisseur/clients/", check=False)
    page.get_by_label("N° RPPS, nom ou n° FINESS géographique").fill(client.rpps)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Éligible", exact=True)).to_be_visible()
    walk.check("04-recherche-client")
    page.get_by_role("link", name="Créer un dossier pour ce Client").click()
    page.get_by_label("Bon de commande émis le").fill("2026-08-01")
    page.get_by_label("Bon de commande signé le").fill("2026-08-10")
    page.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill("270.00")
    page.get_by_label("Autres aides de minimis du Client sur trois ans (€)").fill("0")
    walk.check("05-nouveau-dossier")
    page.get_by_role("button", name="Vérifier le dossier").click()
    assert page.get_by_test_id("etat").text_content() == "Brouillon"
    walk.check("05b-brouillon")
    # The signed order joined from the dossier's page (AF §6.2), then the request filed from its recap.
    page.locator("#id_kind").select_option("order")
    page.locator("#id_file").set_input_files(order_pdf(tmp_path))
    page.get_by_role("button", name="Joindre la pièce").click()
    walk.check("05c-bon-de-commande-joint")
    file_draft(walk, order_pdf(tmp_path), check="05d-recapitulatif-du-depot")
    walk.check("05e-demande-deposee")
    dossier = Dossier.objects.get(rpps=client.rpps)
    others = [world.file(p) for p in world.professionals[1:3]]  # filed without draft, as the API does
    for other in others:
        join_pieces(other, "advance")  # their signed orders joined after (§6.2), before the validation
    walk.sign_out()

    # The instructor asks for a completion on this dossier, through its panel.
    walk.sign_in("instructeur", PASSWORD)
    walk.goto("/instruction/", "06-file-instruction")
    page.get_by_role("link", name=str(dossier.pk), exact=True).click()
    walk.check("06a-dossier-a-instruire")
    decide(walk, "Demander un complément…", "Demander le complément",
           "Merci de joindre le bon de commande signé.", check="06c-panneau-demande-de-complement")  # fmt: skip
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance à compléter"
    walk.check("07-dossier-instructeur")
    walk.sign_out()

    # The supplier answers at the top of the dossier; the rules run again.
    walk.sign_in("fournisseur", PASSWORD)
    walk.goto(f"/dossiers/{dossier.pk}/", "07b-dossier-a-completer")
    page.get_by_label("Votre réponse").fill("Bon de commande joint, signé par Pro Santé Connect.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"
    walk.sign_out()

    # The instructor validates the three dossiers in one decision, confirmed on its panel.
    walk.sign_in("instructeur", PASSWORD)
    walk.goto("/instruction/", check=False)
    for pk in [dossier.pk, *(d.pk for d in others)]:
        box = page.get_by_label(f"Sélectionner le dossier {pk}")
        box.focus()
        page.keyboard.press("Space")  # the DSFR box is drawn by its label: select it from the keyboard
        assert box.is_checked()
    page.get_by_role("button", name="Valider la sélection…").click()
    expect(page.get_by_role("heading", name="Valider : 3 dossier(s)")).to_be_visible()
    walk.check("06b-panneau-decision-en-masse")
    page.get_by_role("button", name="Confirmer : valider").click()
    expect(page.get_by_text("3 dossier(s) traité(s).")).to_be_visible()
    walk.check("06d-decision-en-masse")
    assert Dossier.objects.filter(state=S.ADVANCE_VALIDATED).count() == 3
    walk.sign_out()

    # The paying agent signs in with the second factor, prepares the batch and downloads its SEPA file.
    TOTPDevice.objects.create(user=world.paying_agent.user, name="application", confirmed=True)
    walk.sign_in("agent-payeur", PASSWORD)
    second_factor(walk, world.paying_agent.user)
    page.get_by_role("button", name="Préparer un lot avec les demandes validées").click()
    assert page.get_by_test_id("etat-lot").text_content() == "Préparé"
    batch = PaymentBatch.objects.get()
    assert batch.payments.count() == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Fichier SEPA").click()
    assert b"pain.001.001.03" in Path(download.value.path()).read_bytes()
    walk.check("08-lot-de-paiement")
    decide(walk, "Transmettre à la banque…", "Confirmer la transmission", "Lot hebdomadaire, contrôlé.",
           check="08b-panneau-transmission")  # fmt: skip
    assert page.get_by_test_id("etat-lot").text_content() == "Transmis à la banque"
    walk.goto("/tableaux-de-bord/", "10-tableaux-de-bord")
    assert page.get_by_role("heading", level=1).text_content().strip() == "Tableaux de bord du dispositif"
    walk.sign_out()

    # The ANS's space and the public list of referenced solutions.
    account("agent-ans", Role.ANS_AGENT)
    walk.sign_in("agent-ans", PASSWORD)
    assert page.url.endswith("/ans/")
    walk.check("11-espace-ans")
    walk.goto("/solutions/", "12-solutions-referencees")
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .info")  # Swagger UI from our static files, under the CSP
    assert walk.errors == []


# The demonstration's accounts, one per role, and the pages each opens beyond its menu (a detail page, found by
# the first link of the given kind on the given page).
ROLES = {
    "anonyme": None,
    "fournisseur": [("/fournisseur/dossiers/", "/dossiers/")],
    "deposant": [],
    "distributeur": [],
    "instructeur": [("/instruction/", "/dossiers/"), ("/instruction/enrolements/", "/instruction/enrolements/"),
                    ("/recouvrements/", "/dossiers/")],
    "agent-payeur": [("/paiements/", "/paiements/")],
    "admin-asp": [("/administration/agents/", "/administration/agents/")],
    "agent-ans": [("/ans/versions/", "/ans/versions/"), ("/ans/pilotes/?etat=tous", "/ans/pilotes/"),
                  ("/ans/editeurs/", "/ans/solutions/")],
    "admin": [],
}  # fmt: skip
# Pages of every signed-in account beyond its menu: the notification centre (the header's link).
SIGNED_IN_PAGES = ["/notifications/"]
PUBLIC_PAGES = ["/", "/simulateur/", "/calendrier/", "/bareme/", "/solutions/"]
PUBLIC_ONLY = ["/connexion/", "/inscription/", "/mot-de-passe/oublie/", "/versions-obsoletes/", "/plan-du-site/",
               "/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"]  # fmt: skip


def first_link(walk: Walk, page_path: str, prefix: str) -> str | None:
    walk.goto(page_path, check=False)
    links = walk.page.locator(f"main a[href^='{prefix}']")
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        if href.rstrip("/") != page_path.split("?")[0].rstrip("/") and "?" not in href:
            return href
    return None


@widths
@pytest.mark.parametrize("username", list(ROLES))
def test_every_role_visits_every_page_of_its_menu(browser, live_server, demonstration, username, width):
    walk = Walk(browser, live_server.url, width)
    if ROLES[username] is not None:
        walk.sign_in(username, demo.PASSWORD)
        if "second-facteur" in walk.page.url:
            second_factor(walk, TOTPDevice.objects.filter(user__username=username).first().user)
        assert (
            walk.page.locator("[data-testid=compte]").count() >= 1
        )  # the DSFR copies it into the mobile menu
    else:
        walk.goto("/", check=False)
    walk.check(f"{username}-accueil")
    if walk.mobile:  # the menu opens from the « Menu » button and leads to its first page
        walk.open_menu()
        label, href = walk.menu_links()[-1]
        walk.page.locator("#fr-menu-mobile").get_by_role("link", name=label, exact=True).click()
        walk.page.wait_for_url(f"**{href}")
    menu = walk.menu_links()
    assert menu, "menu vide"
    if ROLES[username] is not None:  # the public pages are walked once, by the anonymous visitor
        menu = [(label, href) for label, href in menu if href not in PUBLIC_PAGES]
    for _label, href in menu:
        walk.goto(href, f"{username}-{href.strip('/').replace('/', '-') or 'accueil'}")
    for path in SIGNED_IN_PAGES if ROLES[username] is not None else []:
        walk.goto(path, f"{username}-{path.strip('/')}")
    for page_path, prefix in ROLES[username] or []:
        href = first_link(walk, page_path, prefix)
        assert href, f"aucun lien {prefix}… sur {page_path}"
        walk.goto(href, f"{username}-{href.strip('/').replace('/', '-')}")
    if ROLES[username] is None:
        for path in PUBLIC_ONLY:
            walk.goto(path, f"public-{path.strip('/')}")
    else:
        walk.sign_out()


@widths
def test_the_rule_by_rule_explanation_opens(browser, live_server, demonstration, width):
    walk = Walk(browser, live_server.url, width)
    walk.sign_in("instructeur", demo.PASSWORD)
    dossier = Dossier.objects.filter(state=S.ADVANCE_FILED).first()
    walk.goto(f"/dossiers/{dossier.pk}/", check=False)
    button = walk.page.get_by_role("button", name="Explication règle par règle", exact=False)
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    walk.page.locator("#explication").wait_for(state="visible")
    assert button.get_attribute("aria-expanded") == "true"
    assert walk.page.locator("#explication table tbody tr").count() > 10
    walk.check("explication-regle-par-regle")


def test_another_suppliers_dossier_url_is_a_404(browser, live_server, world):
    dossier = world.file(world.professionals[0])
    walk = Walk(browser, live_server.url, WIDTHS["ordinateur"])
    walk.sign_in("autre-fournisseur", PASSWORD)
    response = walk.page.goto(f"/dossiers/{dossier.pk}/")
    assert response.status == 404
    expect(walk.page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    walk.errors.clear()  # Chromium reports the 404 of the page itself on the console
    walk.check("09-dossier-d-un-autre-fournisseur-404")

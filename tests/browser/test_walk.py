"""A whole path in Debian's Chromium, driven by Playwright: the simulator, a supplier files a dossier, the
instructor requests completion, the supplier completes, the instructor validates in bulk, a payment batch is
prepared and its SEPA file downloaded; a supplier typing another supplier's dossier URL gets a 404.
Screenshots of the main pages are saved in var/screenshots/."""

import os
import shutil
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.payments.models import PaymentBatch
from sons.suppliers.enums import Role
from tests.portal.world import PASSWORD, account, make_spaces

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Chromium de Debian absent (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def world(today):
    today("2026-09-01")
    return make_spaces()


def page_for(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    # Every page runs under the Content-Security-Policy (no inline script or style): Chromium reports a
    # blocked script or style on the console, collected here and asserted empty.
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))  # fmt: skip
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str) -> None:
    page.goto("/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_whole_path_in_the_browser(browser, live_server, world):
    page = page_for(browser, live_server)
    # The public simulator, on the same engine.
    page.goto("/simulateur/?exemple=admissible--avance-infirmier-liberal")
    page.get_by_role("button", name="Évaluer le dossier").click()
    assert page.get_by_test_id("decision").text_content() == "Recevable"
    shot(page, "01-simulateur")
    page.goto("/bareme/")
    shot(page, "02-bareme")

    # A supplier creates a dossier, sees the rules' findings, files it.
    sign_in(page, "fournisseur")
    assert page.url.endswith("/fournisseur/")
    shot(page, "03-fournisseur-tableau-de-bord")
    client = world.professionals[0]
    page.goto("/fournisseur/clients/")
    page.get_by_label("N° RPPS, nom ou n° FINESS géographique").fill(client.rpps)
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_text("Éligible", exact=True).is_visible()
    shot(page, "04-recherche-client")
    page.get_by_role("link", name="Créer un dossier pour ce Client").click()
    page.get_by_label("Bon de commande émis le").fill("2026-08-01")
    page.get_by_label("Bon de commande signé le").fill("2026-08-10")
    page.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill("270.00")
    page.get_by_label("Autres aides de minimis du Client sur trois ans (€)").fill("0")
    shot(page, "05-nouveau-dossier")
    page.get_by_role("button", name="Vérifier le dossier").click()
    assert page.get_by_test_id("etat").text_content() == "Brouillon"
    page.get_by_role("button", name="Déposer la demande d'avance").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"
    dossier = Dossier.objects.get(rpps=client.rpps)
    others = [world.file(p) for p in world.professionals[1:3]]
    sign_out(page)

    # The instructor asks for a completion on this dossier.
    sign_in(page, "instructeur")
    page.goto("/instruction/?state=advance_filed")
    shot(page, "06-file-instruction")
    page.get_by_role("link", name=str(dossier.pk), exact=True).click()
    page.get_by_label("Message au fournisseur").fill("Merci de joindre le bon de commande signé.")
    page.get_by_role("button", name="Demander un complément").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance à compléter"
    shot(page, "07-dossier-instructeur")
    sign_out(page)

    # The supplier answers; the rules run again.
    sign_in(page, "fournisseur")
    page.goto(f"/dossiers/{dossier.pk}/")
    page.get_by_label("Votre réponse").fill("Bon de commande joint, signé par Pro Santé Connect.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"
    sign_out(page)

    # The instructor validates the three dossiers in one decision.
    sign_in(page, "instructeur")
    page.goto("/instruction/?state=advance_filed")
    for pk in [dossier.pk, *(d.pk for d in others)]:
        box = page.get_by_label(f"Sélectionner le dossier {pk}")
        box.focus()
        page.keyboard.press("Space")  # the DSFR box is drawn by its label: select it from the keyboard
        assert box.is_checked()
    page.get_by_role("button", name="Valider la sélection").click()
    assert page.get_by_text("3 dossier(s) traité(s).").is_visible()
    assert Dossier.objects.filter(state=S.ADVANCE_VALIDATED).count() == 3
    sign_out(page)

    # The paying agent signs in with the second factor, prepares the batch and downloads its SEPA file.
    device = TOTPDevice.objects.create(user=world.paying_agent.user, name="application", confirmed=True)
    sign_in(page, "agent-payeur")
    page.get_by_label("Code à 6 chiffres, ou code de secours").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("button", name="Préparer un lot avec les demandes validées").click()
    assert page.get_by_test_id("etat-lot").text_content() == "Préparé"
    batch = PaymentBatch.objects.get()
    assert batch.payments.count() == 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Fichier SEPA").click()
    assert b"pain.001.001.03" in Path(download.value.path()).read_bytes()
    shot(page, "08-lot-de-paiement")
    page.get_by_role("button", name="Transmettre à la banque").click()
    assert page.get_by_test_id("etat-lot").text_content() == "Transmis à la banque"
    page.goto("/tableaux-de-bord/")
    assert page.get_by_role("heading", level=1).text_content().strip() == "Tableaux de bord du dispositif"
    shot(page, "10-tableaux-de-bord")
    sign_out(page)

    # The ANS's space and the public list of referenced solutions.
    account("agent-ans", Role.ANS_AGENT)
    sign_in(page, "agent-ans")
    assert page.url.endswith("/ans/")
    shot(page, "11-espace-ans")
    page.goto("/solutions/")
    shot(page, "12-solutions-referencees")
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .info")  # Swagger UI from our static files, under the CSP
    assert page.csp_violations == []


def test_another_suppliers_dossier_url_is_a_404(browser, live_server, world):
    dossier = world.file(world.professionals[0])
    page = page_for(browser, live_server)
    sign_in(page, "autre-fournisseur")
    response = page.goto(f"/dossiers/{dossier.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page introuvable").is_visible()
    shot(page, "09-dossier-d-un-autre-fournisseur-404")

"""What every page of a browser walk is held to, at 1280 px as at 375 px: no JavaScript error on the console (a
DSFR script that throws, a script or style the CSP refuses), 0 axe-core violation (axe-core from the npm registry,
package.json, injected into the page), and a screenshot in var/screenshots/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Served to the page by Playwright at an address of the site itself: a same-origin script the CSP allows.
AXE_URL = "/__axe-core__/axe.min.js"
# axe's default rules (WCAG 2.0, 2.1 and 2.2 A and AA, and its best practices), their result reduced to what a
# failure message needs.
AXE_RUN = """async () => {
  const result = await axe.run(document);
  return result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""
WIDTHS = {"ordinateur": 1280, "mobile": 375}

needs_chromium = pytest.mark.skipif(
    not shutil.which(CHROMIUM), reason="Chromium de Debian absent (apt-get install chromium)"
)
needs_axe = pytest.mark.skipif(not AXE.exists(), reason="axe-core absent (npm ci, par « make test »)")


def launch(playwright):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])


# The walks of the running test: their browser contexts are closed when it ends (tests/browser/conftest.py), before
# the live server stops, so that no keep-alive connection is left to a server thread.
OPEN: list[Walk] = []


class Walk:
    """A browser tab at one width; `check(name)` holds the page shown to the three demands above."""

    def __init__(self, browser, base_url: str, width: int):
        OPEN.append(self)
        self.width = width
        self.mobile = width < 992  # the DSFR's breakpoint: the menu is behind the « Menu » button
        height = 812 if self.mobile else 900
        self.context = browser.new_context(base_url=base_url, locale="fr-FR",
                                           viewport={"width": width, "height": height})  # fmt: skip
        self.context.route(
            f"**{AXE_URL}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript")
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.checked: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(f"exception : {error}"))

    def close(self) -> None:
        self.context.close()

    def goto(self, path: str, name: str | None = None, *, check: bool = True):
        response = self.page.goto(path)
        if check:
            self.check(name or path.strip("/").replace("/", "-") or "accueil")
        return response

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        # A panel still opening (the DSFR's accordions and collapses are CSS transitions) has its text half
        # transparent for a moment: axe would measure a contrast no one sees once it is open.
        page.wait_for_function(
            "() => document.getAnimations().every(a => a.playState !== 'running'"
            " || a.effect.getComputedTiming().endTime === Infinity)"  # a looping one never ends: not waited for
        )
        page.add_script_tag(url=AXE_URL)
        violations = page.evaluate(AXE_RUN)
        SHOTS.mkdir(parents=True, exist_ok=True)
        # A field left focused during a full-page screenshot at 375 px sends the next click astray (Chromium):
        # the screenshot is taken with nothing focused.
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.screenshot(path=str(SHOTS / f"{self.width}-{name}.png"), full_page=True)
        where = f"{name} ({page.url}, {self.width} px)"
        assert self.errors == [], f"Erreurs JavaScript sur {where} : {self.errors}"
        assert violations == [], f"axe-core sur {where} : {violations}"
        self.checked.append(name)

    def open_menu(self) -> None:
        """On a small screen, the « Menu » button opens the navigation modal (with the header's tools)."""
        if self.mobile:
            self.page.get_by_role("button", name="Menu", exact=True).click()
            self.page.locator("#fr-menu-mobile").wait_for(state="visible")

    def menu_links(self) -> list[tuple[str, str]]:
        links = self.page.locator("#fr-navigation a.fr-nav__link")
        return [
            (links.nth(i).text_content().strip(), links.nth(i).get_attribute("href"))
            for i in range(links.count())
        ]

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/connexion/", check=False)
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(password)
        self.page.get_by_role("button", name="Se connecter").click()

    def sign_out(self) -> None:
        self.open_menu()
        self.page.get_by_role("button", name="Se déconnecter").click()
        self.page.wait_for_load_state("load")
        assert self.page.locator("[data-testid=compte]").count() == 0


def second_factor(walk: Walk, user) -> None:
    """The second factor's page: the code of the user's confirmed TOTP device."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    walk.page.get_by_label("Code à 6 chiffres, ou code de secours").fill(f"{totp(device.bin_key):06d}")
    walk.page.get_by_role("button", name="Valider").click()


def new_draft(walk: Walk, rpps: str, amount: str = "270.00", *, check: str = ""):
    """A supplier's draft from the new-dossier form (its rules' findings shown); the dossier made."""
    from sons.dossiers.models import Dossier

    page = walk.page
    walk.goto(f"/fournisseur/dossiers/nouveau/?rpps={rpps}", check=False)
    page.get_by_label("Bon de commande émis le").fill("2026-08-01")
    page.get_by_label("Bon de commande signé le").fill("2026-08-10")
    page.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill(amount)
    page.get_by_label("Autres aides de minimis du Client sur trois ans (€)").fill("0")
    if check:
        walk.check(check)
    page.get_by_role("button", name="Vérifier le dossier").click()
    assert page.get_by_test_id("etat").text_content() == "Brouillon"
    return Dossier.objects.filter(rpps=rpps).order_by("-pk").first()


def order_pdf(directory: Path) -> str:
    """A signed order's copy (a real PDF with text), to join before filing (AF §6.2)."""
    from tests.documents.pdfs import text_pdf

    path = directory / "bon-de-commande.pdf"
    path.write_bytes(text_pdf("Bon de commande signé"))
    return str(path)


def file_draft(walk: Walk, order: str, *, check: str = "") -> None:
    """From a draft's page: the filing's recap, the order's copy joined there, then the request filed."""
    page = walk.page
    page.get_by_role("link", name="Déposer la demande d'avance…").click()
    if page.get_by_role("button", name="Joindre la pièce").count():
        page.locator("#id_file").set_input_files(order)
        page.get_by_role("button", name="Joindre la pièce").click()
    if check:
        walk.check(check)
    page.get_by_role("button", name="Déposer la demande d'avance").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"


def decide(walk: Walk, link: str, button: str, motive: str = "", *, label: str = "", check: str = "") -> None:
    """A decision through its confirmation panel: the link that opens it, the motive typed, the button."""
    page = walk.page
    page.get_by_role("link", name=link).click()
    if motive:
        field = page.get_by_label(label) if label else page.locator("#id_motive")
        field.fill(motive)
    if check:
        walk.check(check)
    page.get_by_role("button", name=button).click()

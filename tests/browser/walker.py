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


class Walk:
    """A browser tab at one width; `check(name)` holds the page shown to the three demands above."""

    def __init__(self, browser, base_url: str, width: int):
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

    def goto(self, path: str, name: str | None = None, *, check: bool = True):
        response = self.page.goto(path)
        if check:
            self.check(name or path.strip("/").replace("/", "-") or "accueil")
        return response

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
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

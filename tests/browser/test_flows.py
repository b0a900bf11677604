"""Issue 13's flows in Debian's Chromium (self-contained: its own browser and accounts): a draft edited, another
deleted, the missing order joined from the filing's recap and the request filed with its receipt; the instructor's
queue opening on « À instruire » with its select-all box (a static script, under the CSP); a rejection decided
on its panel with its motive, then shown at the top of the dossier with its letter and the means of redress."""

import os
import shutil
from pathlib import Path

import pytest

from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from tests.documents.pdfs import text_pdf
from tests.portal.world import PASSWORD, make_spaces

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Chromium de Debian absent (apt-get install chromium)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def chromium():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def new_page(chromium, live_server):
    page = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
                                ).new_page()  # fmt: skip
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))  # fmt: skip
    return page


def sign_in(page, username: str) -> None:
    page.goto("/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def new_draft(page, rpps: str, amount: str = "270.00") -> Dossier:
    page.goto(f"/fournisseur/dossiers/nouveau/?rpps={rpps}")
    page.get_by_label("Bon de commande émis le").fill("2026-08-01")
    page.get_by_label("Bon de commande signé le").fill("2026-08-10")
    page.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill(amount)
    page.get_by_label("Autres aides de minimis du Client sur trois ans (€)").fill("0")
    page.get_by_role("button", name="Vérifier le dossier").click()
    assert page.get_by_test_id("etat").text_content() == "Brouillon"
    return Dossier.objects.filter(rpps=rpps).order_by("-pk").first()


def test_drafts_filing_queue_and_decision_in_the_browser(chromium, live_server, today, tmp_path):
    today("2026-09-01")
    world = make_spaces()
    page = new_page(chromium, live_server)
    sign_in(page, "fournisseur")

    # A draft deleted after its confirmation.
    wrong = new_draft(page, world.professionals[1].rpps)
    page.get_by_role("link", name="Supprimer le brouillon…").click()
    page.get_by_role("button", name="Confirmer la suppression").click()
    assert Dossier.objects.get(pk=wrong.pk).state == S.CANCELLED

    # A draft edited, then filed from its recap once the signed order is joined there.
    draft = new_draft(page, world.professionals[0].rpps, amount="200.00")
    page.get_by_role("link", name="Modifier le brouillon").click()
    page.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill("270.00")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    assert Dossier.objects.get(pk=draft.pk).financed == 270
    page.get_by_role("link", name="Déposer la demande d'avance…").click()
    assert page.get_by_test_id("pieces").get_by_text("manquante").is_visible()
    assert page.get_by_role("button", name="Déposer la demande d'avance").is_disabled()
    order = tmp_path / "bon-de-commande.pdf"
    order.write_bytes(text_pdf("Bon de commande signé"))
    page.locator("#id_file").set_input_files(str(order))
    page.get_by_role("button", name="Joindre la pièce").click()
    shot(page, "flow-01-recapitulatif-du-depot")
    page.get_by_role("button", name="Déposer la demande d'avance").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"
    receipt = page.get_by_role("link", name="Accusé de dépôt")
    assert page.request.get(receipt.get_attribute("href")).headers["content-type"] == "application/pdf"
    others = [world.file(p) for p in world.professionals[2:4]]
    page.get_by_role("button", name="Se déconnecter").click()

    # The instructor's queue opens on the requests to instruct; « Tout » ticks every box of the page.
    sign_in(page, "instructeur")
    page.goto("/instruction/")
    assert page.get_by_role("link", name="À instruire").get_attribute("aria-current") == "page"
    page.locator("#select-all").focus()
    page.keyboard.press("Space")
    for pk in [draft.pk, *(d.pk for d in others)]:
        assert page.get_by_label(f"Sélectionner le dossier {pk}").is_checked()
    shot(page, "flow-02-file-a-instruire")

    # A rejection on its panel: the motive required, then the letter at the top of the dossier.
    page.goto(f"/dossiers/{draft.pk}/")
    page.get_by_role("link", name="Rejeter…").click()
    page.get_by_role("button", name="Rejeter la demande d'avance").click()
    assert page.get_by_text("Motif : obligatoire").first.is_visible()
    page.get_by_label("Motifs du rejet (obligatoire), avec les sections de l'AF").fill(
        "Bon de commande illisible (AF §6.2)."
    )
    page.get_by_role("button", name="Rejeter la demande d'avance").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance rejetée"
    decision = page.get_by_test_id("derniere-decision")
    assert "Bon de commande illisible" in decision.text_content()
    assert "Voies et délais de recours" in decision.text_content()
    letter = decision.get_by_role("link", name="Lettre de décision")
    assert page.request.get(letter.get_attribute("href")).headers["content-type"] == "application/pdf"
    shot(page, "flow-03-decision-et-lettre")
    assert page.csp_violations == []

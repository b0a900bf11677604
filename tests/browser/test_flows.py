"""Issue 13's flows in Debian's Chromium, every page held by tests/browser/walker.py (no console error, 0 axe-core
violation, a screenshot): a draft edited, another deleted, the missing order joined from the filing's recap and
the request filed with its receipt; the instructor's queue opening on « À instruire » with its select-all box (a
static script, under the CSP); a rejection decided on its panel with its motive, then shown at the top of the
dossier with its letter and the means of redress; a request filed without draft and without its signed order,
marked in the queue, its missing piece said on its page and on the validation's panel, whose button is disabled."""

import pytest
from playwright.sync_api import expect

from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from tests.browser.walker import (
    WIDTHS,
    Walk,
    file_draft,
    needs_axe,
    needs_chromium,
    new_draft,
    order_pdf,
)
from tests.portal.world import PASSWORD

pytestmark = [needs_chromium, needs_axe, pytest.mark.django_db(transaction=True)]


def test_drafts_filing_queue_and_decision_in_the_browser(browser, live_server, world, tmp_path):
    walk = Walk(browser, live_server.url, WIDTHS["ordinateur"])
    page = walk.page
    walk.sign_in("fournisseur", PASSWORD)

    # A draft deleted after its confirmation.
    wrong = new_draft(walk, world.professionals[1].rpps)
    page.get_by_role("link", name="Supprimer le brouillon…").click()
    walk.check("flow-00-suppression-du-brouillon")
    page.get_by_role("button", name="Confirmer la suppression").click()
    assert Dossier.objects.get(pk=wrong.pk).state == S.CANCELLED

    # A draft edited, then filed from its recap once the signed order is joined there.
    draft = new_draft(walk, world.professionals[0].rpps, amount="200.00")
    page.get_by_role("link", name="Modifier le brouillon").click()
    walk.check("flow-00b-modification-du-brouillon")
    page.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill("270.00")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    assert Dossier.objects.get(pk=draft.pk).financed == 270
    page.get_by_role("link", name="Déposer la demande d'avance…").click()
    expect(page.get_by_test_id("pieces").get_by_text("manquante")).to_be_visible()
    assert page.get_by_role("button", name="Déposer la demande d'avance").is_disabled()
    walk.check("flow-01a-recapitulatif-sans-bon-de-commande")
    page.goto(f"/dossiers/{draft.pk}/")
    file_draft(walk, order_pdf(tmp_path), check="flow-01-recapitulatif-du-depot")
    receipt = page.get_by_role("link", name="Accusé de dépôt")
    assert page.request.get(receipt.get_attribute("href")).headers["content-type"] == "application/pdf"
    walk.check("flow-01b-dossier-depose")
    others = [world.file(p) for p in world.professionals[2:4]]
    walk.sign_out()

    # The instructor's queue opens on the requests to instruct; « Tout » ticks every box of the page.
    walk.sign_in("instructeur", PASSWORD)
    walk.goto("/instruction/", check=False)
    assert page.get_by_role("link", name="À instruire").get_attribute("aria-current") == "page"
    page.locator("#select-all").focus()
    page.keyboard.press("Space")
    for pk in [draft.pk, *(d.pk for d in others)]:
        assert page.get_by_label(f"Sélectionner le dossier {pk}").is_checked()
    walk.check("flow-02-file-a-instruire")

    # A rejection on its panel: the motive required, then the letter at the top of the dossier.
    walk.goto(f"/dossiers/{draft.pk}/", check=False)
    page.get_by_role("link", name="Rejeter…").click()
    walk.check("flow-02b-panneau-de-rejet")
    page.get_by_role("button", name="Rejeter la demande d'avance").click()
    expect(page.get_by_text("Motif : obligatoire").first).to_be_visible()
    walk.errors.clear()  # Chromium reports the panel's own 400 on the console
    walk.check("flow-02c-panneau-de-rejet-motif-manquant")
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
    walk.check("flow-03-decision-et-lettre")

    # Filed without draft (the API's door), another request lacks its signed order (§6.2): the queue marks it,
    # its page says so, and its validation's panel too, the button disabled and the completion request offered.
    walk.goto("/instruction/", check=False)
    row = page.locator("tr", has=page.get_by_label(f"Sélectionner le dossier {others[0].pk}"))
    expect(row.get_by_test_id("piece-manquante")).to_be_visible()
    walk.goto(f"/dossiers/{others[0].pk}/", check=False)
    assert "Copie du bon de commande" in page.get_by_test_id("pieces-manquantes").text_content()
    page.get_by_role("link", name="Valider…").click()
    assert "Copie du bon de commande" in page.get_by_test_id("pieces-manquantes").text_content()
    assert page.get_by_role("button", name="Valider la demande d'avance").is_disabled()
    expect(page.get_by_role("link", name="Demander un complément…")).to_be_visible()
    walk.check("flow-04-validation-piece-manquante")
    assert Dossier.objects.get(pk=others[0].pk).state == S.ADVANCE_FILED

"""In Debian's Chromium, every page held by tests/browser/walker.py: the supplier sees the unread count in the
header, opens the notification centre, follows the completion request to its dossier, finds it at the top of the
page and answers it there; the instructor writes an internal note that the supplier's page never shows."""

import pytest
from playwright.sync_api import expect

from sons.dossiers import actions
from tests.browser.walker import WIDTHS, Walk, needs_axe, needs_chromium
from tests.portal.world import PASSWORD
from tests.queue import run_pending

pytestmark = [needs_chromium, needs_axe, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_notification_centre_and_completion_answered_from_the_top(browser, live_server, world, width):
    dossier = world.file(world.professionals[0])
    actions.request_completion(world.instructor, dossier, "Merci de joindre le bon de commande signé.")
    run_pending()
    walk = Walk(browser, live_server.url, width)
    page = walk.page

    walk.sign_in("fournisseur", PASSWORD)
    walk.open_menu()  # on a phone, the header's tools are in the menu
    # The DSFR script copies the tools into the menu with "-mobile" appended to their data-testid.
    bell = page.locator("[data-testid^=notifications-non-lues]").filter(visible=True)
    assert "2" in bell.text_content()  # the filing received, the completion requested
    bell.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_text("Merci de joindre le bon de commande signé.").first).to_be_visible()
    walk.check("20-centre-de-notifications")
    row = page.get_by_test_id("notifications").locator("tr", has_text="Complément demandé")
    row.get_by_role("button", name="Ouvrir").click()
    assert page.url.endswith(f"/dossiers/{dossier.pk}/")

    request = page.get_by_test_id("demande-de-complement")
    expect(request).to_be_visible()
    assert "bon de commande signé" in request.text_content()
    findings = page.get_by_role("heading", name="Constats des règles")
    assert request.bounding_box()["y"] < findings.bounding_box()["y"]  # at the top of the page
    walk.check("21-complement-en-tete-du-dossier")
    page.get_by_label("Votre réponse").fill("Bon de commande joint, signé par Pro Santé Connect.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"
    assert page.get_by_test_id("demande-de-complement").count() == 0
    assert "2" not in page.get_by_test_id("notifications-non-lues").text_content()
    walk.check("21b-reponse-envoyee")
    walk.goto("/notifications/?non_lues=1", "20b-notifications-non-lues")
    walk.sign_out()

    walk.sign_in("instructeur", PASSWORD)
    walk.goto(f"/dossiers/{dossier.pk}/", check=False)
    page.get_by_label("Ajouter une note interne").fill("À revoir avec le service juridique.")
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_text("À revoir avec le service juridique.")).to_be_visible()
    walk.check("22-note-interne-instructeur")
    walk.goto("/notifications/", "22b-centre-de-notifications-instructeur")
    walk.sign_out()

    walk.sign_in("fournisseur", PASSWORD)
    walk.goto(f"/dossiers/{dossier.pk}/", check=False)
    assert page.get_by_text("À revoir avec le service juridique.").count() == 0

"""In Debian's Chromium: the supplier sees the unread count in the header, opens the notification centre, follows
the completion request to its dossier, finds it at the top of the page and answers it there; the instructor
writes an internal note that the supplier's page never shows. Screenshots in var/screenshots/."""

import pytest

from sons.dossiers import actions
from tests.browser.test_walk import CHROMIUM, browser, page_for, shot, sign_in, sign_out, world  # noqa: F401
from tests.queue import run_pending

pytestmark = [
    pytest.mark.skipif(not __import__("shutil").which(CHROMIUM), reason="Chromium de Debian absent"),
    pytest.mark.django_db(transaction=True),
]


def test_notification_centre_and_completion_answered_from_the_top(browser, live_server, world):  # noqa: F811
    dossier = world.file(world.professionals[0])
    actions.request_completion(world.instructor, dossier, "Merci de joindre le bon de commande signé.")
    run_pending()
    page = page_for(browser, live_server)

    sign_in(page, "fournisseur")
    bell = page.get_by_test_id("notifications-non-lues")
    assert bell.is_visible() and "2" in bell.text_content()  # the filing received, the completion requested
    bell.click()
    assert page.get_by_role("heading", name="Notifications", level=1).is_visible()
    assert page.get_by_text("Merci de joindre le bon de commande signé.").first.is_visible()
    shot(page, "20-centre-de-notifications")
    row = page.get_by_test_id("notifications").locator("tr", has_text="Complément demandé")
    row.get_by_role("button", name="Ouvrir").click()
    assert page.url.endswith(f"/dossiers/{dossier.pk}/")

    request = page.get_by_test_id("demande-de-complement")
    assert request.is_visible() and "bon de commande signé" in request.text_content()
    findings = page.get_by_role("heading", name="Constats des règles")
    assert request.bounding_box()["y"] < findings.bounding_box()["y"]  # at the top of the page
    shot(page, "21-complement-en-tete-du-dossier")
    page.get_by_label("Votre réponse").fill("Bon de commande joint, signé par Pro Santé Connect.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    assert page.get_by_test_id("etat").text_content() == "Demande d'avance déposée"
    assert page.get_by_test_id("demande-de-complement").count() == 0
    assert "2" not in (page.get_by_test_id("notifications-non-lues").text_content() or "")
    sign_out(page)

    sign_in(page, "instructeur")
    page.goto(f"/dossiers/{dossier.pk}/")
    page.get_by_label("Ajouter une note interne").fill("À revoir avec le service juridique.")
    page.get_by_role("button", name="Enregistrer la note").click()
    assert page.get_by_text("À revoir avec le service juridique.").is_visible()
    shot(page, "22-note-interne-instructeur")
    sign_out(page)

    sign_in(page, "fournisseur")
    page.goto(f"/dossiers/{dossier.pk}/")
    assert page.get_by_text("À revoir avec le service juridique.").count() == 0
    assert page.csp_violations == []

"""The supplier's webhooks in Debian's Chromium, every page held by tests/browser/walker.py (no console error,
0 axe-core violation, a screenshot), at 1280 and 375 px: an organisation administrator makes a subscription to a
real HTTP receiver (tests/webhooks/receiver.py), sees its secret once, reads its delivery log after an event,
disables it, edits its description, renews its secret and deletes it, each panel confirmed."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Membership
from sons.webhooks.models import Subscription
from tests.browser.walker import WIDTHS, Walk, decide, needs_axe, needs_chromium, second_factor
from tests.portal.world import PASSWORD
from tests.queue import run_pending
from tests.webhooks.receiver import Receiver

pytestmark = [needs_chromium, needs_axe, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_webhooks_pages_in_the_browser(browser, live_server, world, width):
    user = get_user_model().objects.create_user("admin-editeur", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.SUPPLIER_MEMBER, organisation=world.supplier.organisation,
                              member_role=MemberRole.ADMINISTRATOR)  # fmt: skip
    TOTPDevice.objects.create(user=user, name="application", confirmed=True)
    walk = Walk(browser, live_server.url, width)
    page = walk.page
    walk.sign_in("admin-editeur", PASSWORD)
    if "second-facteur" in page.url:
        second_factor(walk, user)
    with Receiver() as receiver:
        walk.goto("/fournisseur/webhooks/", "30-webhooks")
        page.get_by_label("Adresse de réception").fill(receiver.url)
        page.locator("#id_kinds label", has_text="Demande reçue").click()
        page.get_by_role("button", name="Créer l'abonnement").click()
        assert page.get_by_test_id("secret").text_content().startswith("whsec_")
        walk.check("30b-webhook-cree")
        world.file(world.professionals[0])
        run_pending()
        page.get_by_role("link", name="Livraisons").click()
        assert "HTTP 200" in page.locator("main").text_content()
        walk.check("31-journal-des-livraisons")
        assert len(receiver.requests) == 1
    page.get_by_role("button", name="Désactiver l'abonnement").click()
    expect(page.get_by_role("button", name="Réactiver l'abonnement")).to_be_visible()
    assert not Subscription.objects.get().active
    walk.check("31b-webhook-desactive")
    # The edit panel (an accordion), then the rotation and deletion panels, each confirmed.
    page.get_by_role("button", name="Modifier l'adresse ou les événements").click()
    description = page.get_by_label("Description")
    expect(description).to_be_visible()
    description.fill("ERP facturation")
    walk.check("31c-webhook-modification")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Abonnement modifié.")).to_be_visible()
    assert Subscription.objects.get().description == "ERP facturation"
    decide(walk, "Renouveler le secret…", "Renouveler le secret", check="32-webhook-rotation")
    expect(page.get_by_test_id("secret")).to_contain_text("whsec_")
    assert page.get_by_test_id("secret").text_content() == Subscription.objects.get().secret
    walk.check("32b-secret-renouvele")
    decide(walk, "Supprimer l'abonnement…", "Supprimer l'abonnement", check="33-webhook-suppression")
    expect(page.get_by_text("Abonnement supprimé")).to_be_visible()
    assert not Subscription.objects.exists()
    walk.check("33b-webhook-supprime")

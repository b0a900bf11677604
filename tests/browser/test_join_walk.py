"""Joining SONS in Debian's Chromium, driven by Playwright (issue 12's walk): a new publisher signs up and files
its enrolment with its PDFs; the instructor requests completion, then validates; the publisher invites a filer,
who files a dossier; an ASP administrator creates a paying agent, who must enrol a second factor before seeing
a batch. E-mails go through the job queue to a real SMTP server on 127.0.0.1; screenshots in var/screenshots/."""

import re
import shutil
from base64 import b32decode, b32encode
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sons.dossiers.models import Dossier
from sons.suppliers.enums import Role
from sons.suppliers.models import Enrolment
from tests.browser.walker import WIDTHS, Walk, file_draft, needs_axe, order_pdf
from tests.db_factories import ProfessionalFactory, PublisherFactory, SolutionFactory, SolutionVersionFactory
from tests.queue import run_pending
from tests.suppliers.world import PASSWORD, agent, pdf_bytes

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Chromium de Debian absent (apt-get install chromium)"
    ),
    needs_axe,
    pytest.mark.django_db(transaction=True),
]


def new_page(browser, live_server):
    walk = Walk(browser, live_server.url, WIDTHS["ordinateur"])
    walk.page.walk = walk
    return walk.page


def shot(page, name: str) -> None:
    """The page held to the walk's demands (no console error, 0 axe-core violation) and its screenshot."""
    page.walk.check(name)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def link_to(inbox, address: str, live_server) -> str:
    run_pending()  # the queue's worker sends the e-mails
    message = inbox.to(address)[-1]
    return re.sub(r"^http://[^/]+", "", inbox.link(message))


def totp_now(secret: str) -> str:
    return f"{totp(b32decode(secret)):06d}"


def pieces(tmp_path: Path, *names: str) -> list[str]:
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(pdf_bytes(name))
        paths.append(str(path))
    return paths


def test_joining_sons_in_the_browser(browser, live_server, settings, smtp_inbox, tmp_path, today):
    today("2026-09-01")
    settings.SONS_BASE_URL = live_server.url
    solution = SolutionFactory(publisher=PublisherFactory(organisation=None, name="Éditions du Littoral"),
                               name="LittoSoins")  # fmt: skip
    version = SolutionVersionFactory(solution=solution, version="3")
    client = ProfessionalFactory()
    agent("instructeur", Role.ASP_INSTRUCTOR)
    asp_admin = agent("admin-asp", Role.ASP_ADMIN).user
    admin_device = TOTPDevice.objects.create(user=asp_admin, name="application", confirmed=True)
    rib, sworn = pieces(tmp_path, "rib.pdf", "declaration-sur-l-honneur.pdf")

    # 1. A new publisher signs up, confirms its address, files its enrolment with its RIB.
    page = new_page(browser, live_server)
    page.goto("/connexion/")
    page.get_by_role("link", name="inscrire votre organisation").click()
    page.locator("#id_siren").fill("732829320")
    page.get_by_label("SIRET du siège").fill("73282932000074")
    page.get_by_label("Raison sociale").fill("Éditions du Littoral")
    page.get_by_label("Adresse (voie)").fill("3 quai des Chartrons")
    page.get_by_label("Code postal").fill("33000")
    page.get_by_label("Commune").fill("Bordeaux")
    page.locator("label[for=id_kind_0]").click()  # the DSFR radio is drawn by its label
    page.locator("#id_first_name").fill("Claire")
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("Adresse électronique de l'administrateur").fill("claire@littoral.fr")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shot(page, "20-inscription")
    page.get_by_role("button", name="Inscrire l'organisation").click()
    assert page.get_by_test_id("adresse").text_content() == "claire@littoral.fr"
    page.goto(link_to(smtp_inbox, "claire@littoral.fr", live_server))
    assert page.url.endswith("/fournisseur/enrolement/")
    assert "pas encore enrôlée" in page.get_by_test_id("pourquoi").text_content()
    page.get_by_label("Solution logicielle éditée ou distribuée").select_option(
        label="LittoSoins — Éditions du Littoral"
    )
    page.locator("#id_hosts_health_data label", has_text="Non").click()
    page.locator("#id_psc_user_service_operator label", has_text="Oui").click()
    page.locator("#id_iban").fill("FR76 3000 6000 0112 3456 7890 189")
    page.locator("#id_bic").fill("AGRIFRPP")
    page.get_by_label("RIB (PDF)").set_input_files(rib)
    shot(page, "21-demande-d-enrolement")
    page.get_by_role("button", name="Déposer la demande d'enrôlement").click()
    assert page.get_by_test_id("etat").text_content() == "Déposée"
    expect(page.get_by_text("la déclaration sur l'honneur est à joindre")).to_be_visible()
    sign_out(page)

    # 2. The instructor asks for the sworn statement; the publisher joins it; the instructor validates.
    sign_in(page, "instructeur")
    page.goto("/instruction/enrolements/")
    page.get_by_role("link", name="Éditions du Littoral").click()
    shot(page, "22-enrolement-instructeur")
    page.get_by_label("Message au fournisseur").fill(
        "Joignez la déclaration sur l'honneur (aucun hébergement)."
    )
    page.get_by_role("button", name="Demander un complément").click()
    assert page.get_by_test_id("etat").text_content() == "À compléter"
    sign_out(page)
    sign_in(page, "claire@littoral.fr")
    page.goto("/fournisseur/enrolement/")
    assert "Joignez la déclaration" in page.get_by_test_id("demande").text_content()
    page.get_by_label("Déclaration sur l'honneur : aucune donnée de santé hébergée (PDF)").set_input_files(
        sworn
    )
    page.get_by_label("Votre réponse à la demande de complément").fill("Déclaration jointe.")
    page.get_by_role("button", name="Envoyer le complément").click()
    assert page.get_by_test_id("etat").text_content() == "Déposée"
    sign_out(page)
    sign_in(page, "instructeur")
    page.goto(f"/instruction/enrolements/{Enrolment.objects.get().pk}/")
    page.get_by_role("button", name="Valider").click()
    assert page.get_by_test_id("etat").text_content() == "Validée"
    sign_out(page)

    # 3. The publisher invites a filer, who opens their account and files a dossier.
    sign_in(page, "claire@littoral.fr")
    page.goto("/fournisseur/membres/")
    page.get_by_label("Adresse électronique de la personne invitée").fill("hugo@littoral.fr")
    page.get_by_label("Rôle dans l'organisation").select_option("filer")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Invitation envoyée à hugo@littoral.fr")).to_be_visible()
    shot(page, "23-membres")
    sign_out(page)
    filer = new_page(browser, live_server)
    filer.goto(link_to(smtp_inbox, "hugo@littoral.fr", live_server))
    filer.locator("#id_first_name").fill("Hugo")
    filer.locator("#id_last_name").fill("Bernard")
    filer.locator("#id_password1").fill(PASSWORD)
    filer.locator("#id_password2").fill(PASSWORD)
    filer.get_by_role("button", name="Ouvrir mon compte et rejoindre l'organisation").click()
    assert filer.url.endswith("/fournisseur/")
    filer.goto(f"/fournisseur/dossiers/nouveau/?rpps={client.rpps}")
    filer.get_by_label("Version de la Solution référencée").select_option(str(version.pk))
    filer.get_by_label("Bon de commande émis le").fill("2026-08-01")
    filer.get_by_label("Bon de commande signé le").fill("2026-08-10")
    filer.get_by_label("Montant TTC de la ligne « Prestation Ségur » (€)").fill("270.00")
    filer.get_by_label("Autres aides de minimis du Client sur trois ans (€)").fill("0")
    filer.get_by_role("button", name="Vérifier le dossier").click()
    file_draft(filer.walk, order_pdf(tmp_path))  # the signed order joined on the recap, then filed
    assert Dossier.objects.get(rpps=client.rpps).supplier.name == "Éditions du Littoral"
    shot(filer, "24-dossier-depose-par-le-deposant")

    # 4. An ASP administrator creates a paying agent, who must enrol a second factor before seeing a batch.
    sign_in(page, "admin-asp")
    page.get_by_label("Code à 6 chiffres, ou code de secours").fill(totp_now(b32encode_key(admin_device)))
    page.get_by_role("button", name="Valider").click()
    assert page.url.endswith("/administration/agents/")
    page.get_by_label("Adresse électronique professionnelle").fill("paul.payeur@asp.fr")
    page.locator("#id_first_name").fill("Paul")
    page.locator("#id_last_name").fill("Payeur")
    page.locator("#id_roles label", has_text="Agent payeur ASP").click()
    shot(page, "25-creation-d-un-agent")
    page.get_by_role("button", name="Créer le compte").click()
    assert page.get_by_test_id("roles").text_content().strip().startswith("Agent payeur ASP")
    sign_out(page)
    payer = new_page(browser, live_server)
    payer.goto(link_to(smtp_inbox, "paul.payeur@asp.fr", live_server))
    payer.locator("#id_new_password1").fill(PASSWORD)
    payer.locator("#id_new_password2").fill(PASSWORD)
    payer.get_by_role("button", name="Enregistrer le mot de passe").click()
    sign_in(payer, "paul.payeur@asp.fr")
    assert "/compte/second-facteur/" in payer.url
    payer.goto("/paiements/")
    assert "/compte/second-facteur/" in payer.url  # no batch before the second factor
    expect(payer.get_by_test_id("second-facteur-requis")).to_be_visible()
    shot(payer, "26-second-facteur-obligatoire")
    secret = payer.get_by_test_id("cle").text_content()
    payer.get_by_label("Code à 6 chiffres, ou code de secours").fill(totp_now(secret))
    payer.get_by_role("button", name="Activer").click()
    expect(payer.get_by_test_id("codes").locator("li")).to_have_count(10)
    payer.get_by_role("link", name="Continuer").click()
    assert payer.url.endswith("/paiements/")
    assert payer.get_by_role("heading", level=1).text_content().strip() == "Lots de paiement"
    shot(payer, "27-lots-de-paiement-apres-second-facteur")


def b32encode_key(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()

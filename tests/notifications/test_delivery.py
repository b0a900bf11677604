"""Delivery: e-mails sent through the queue to a real SMTP server (aiosmtpd on 127.0.0.1), text and HTML with
the dossier's link; the daily digest instead for who chose it; the portal's notification centre with the
header's unread count; a supplier never sees another organisation's notifications."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sons.dossiers import actions
from sons.notifications import delivery
from sons.notifications.enums import Delivery, EventKind
from sons.notifications.models import Notification, Preference
from sons.suppliers.enums import Role
from sons.suppliers.models import Membership
from tests.db_factories import DossierFactory, OrganisationFactory, staff
from tests.queue import run_pending
from tests.second_factor import verified

pytestmark = pytest.mark.django_db


def about(inbox, address: str, words: str) -> list:
    return [m for m in inbox.to(address) if words in m["Subject"]]


def person(name: str, role=Role.SUPPLIER_MEMBER, organisation=None):
    user = get_user_model().objects.create_user(username=name, email=f"{name}@exemple.fr", password="x")
    Membership.objects.create(user=user, role=role, organisation=organisation)
    return user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return verified(client, user)


@pytest.fixture
def asked(today):
    """A dossier whose advance request the ASP asked to complete; its supplier has a member, another has one."""
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    claire = person("claire", organisation=dossier.supplier)
    intrus = person("intrus", organisation=OrganisationFactory())
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    actions.request_completion(instructor, dossier, "Joignez le bon de commande signé.")
    return dossier, claire, intrus


def test_the_member_gets_an_email_with_the_dossier_link_and_nobody_else(asked, smtp_inbox):
    dossier, _claire, _intrus = asked
    run_pending()
    (message,) = about(smtp_inbox, "claire@exemple.fr", "Complément demandé")
    assert message["Subject"].strip() == f"SONS : Complément demandé — dossier n° {dossier.pk}"
    body = smtp_inbox.body(message)
    assert (
        "Joignez le bon de commande signé." in body and "Réponse attendue au plus tard le 16/09/2026" in body
    )
    assert smtp_inbox.link(message).endswith(reverse("portal:dossier", args=[dossier.pk]))
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Consulter le dossier" in html and reverse("portal:dossier", args=[dossier.pk]) in html
    assert message["X-SONS-Event"].startswith("evt_")
    assert not smtp_inbox.to("intrus@exemple.fr")
    run_pending()  # nothing is sent twice
    assert len(about(smtp_inbox, "claire@exemple.fr", "Complément demandé")) == 1


def test_a_digest_instead_of_each_email_when_chosen(asked, smtp_inbox):
    _dossier, claire, _ = asked
    Preference.objects.create(user=claire, delivery=Delivery.DIGEST)
    run_pending()
    assert not smtp_inbox.to("claire@exemple.fr")
    assert delivery.send_digests() >= 1
    (digest,) = smtp_inbox.to("claire@exemple.fr")
    assert digest["Subject"].strip().startswith("SONS : votre récapitulatif du ")
    assert "Complément demandé" in smtp_inbox.body(digest)
    delivery.send_digests()
    assert len(smtp_inbox.to("claire@exemple.fr")) == 1


def test_the_notification_centre_counts_lists_and_reads(asked):
    dossier, claire, intrus = asked
    run_pending()
    client = client_of(claire)
    home = client.get(reverse("portal:supplier_home")).content.decode()
    assert 'data-testid="notifications-non-lues"' in home and ">2<span" in home  # the filing, the request
    page = client.get(reverse("portal:notifications")).content.decode()
    assert "Complément demandé — dossier n°" in page and "Joignez le bon de commande signé." in page
    notification = Notification.objects.get(recipient=claire, event__kind=EventKind.COMPLETION_REQUESTED)
    # Another person cannot read it: 404.
    assert (
        client_of(intrus).post(reverse("portal:notifications_read"), {"id": notification.pk}).status_code
        == 404
    )
    assert "Aucune notification." in client_of(intrus).get(reverse("portal:notifications")).content.decode()
    response = client.post(reverse("portal:notifications_read"), {"id": notification.pk})
    assert response.status_code == 302 and response.url == reverse("portal:dossier", args=[dossier.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert ">1<span" in client.get(reverse("portal:supplier_home")).content.decode()


def test_the_email_choice_is_saved_and_a_bad_one_refused_in_french(asked):
    _, claire, _ = asked
    client = client_of(claire)
    client.post(reverse("portal:notifications_preferences"), {"delivery": "digest"})
    assert Preference.objects.get(user=claire).delivery == Delivery.DIGEST
    response = client.post(reverse("portal:notifications_preferences"), {"delivery": "pigeon"}, follow=True)
    assert "Choix de courriel inconnu" in response.content.decode()


def test_instructors_are_told_of_answers_by_their_daily_digest(asked, smtp_inbox):
    dossier, _claire, _ = asked
    from tests.db_factories import supplier_token

    instructor = get_user_model().objects.get(username="instructrice")
    instructor.email = "instructrice@asp.fr"
    instructor.save()
    dossier.refresh_from_db()
    actions.complete(supplier_token(dossier.supplier)[0], dossier, {}, "Voici le bon signé.")
    run_pending()
    assert Notification.objects.filter(recipient=instructor, event__kind=EventKind.ANSWER_RECEIVED).exists()
    assert not smtp_inbox.to("instructrice@asp.fr")  # an agent's default: the digest
    delivery.send_digests()
    (digest,) = smtp_inbox.to("instructrice@asp.fr")
    assert "Voici le bon signé." in smtp_inbox.body(digest)

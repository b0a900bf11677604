"""Password reset by e-mail (a real SMTP server): the link sets a new password once."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sons.suppliers.enums import Role
from tests.queue import run_pending
from tests.suppliers.world import agent

pytestmark = pytest.mark.django_db
NEW = "Un-autre-mot-de-passe-99"


def test_a_forgotten_password_is_reset_through_the_link_received(smtp_inbox):
    agent("ines", Role.ASP_INSTRUCTOR)
    client = Client()
    response = client.post(reverse("portal:password_reset"), {"email": "ines@asp.fr"})
    assert response.status_code == 302 and response.url == reverse("portal:password_reset_done")
    run_pending()
    (message,) = smtp_inbox.to("ines@asp.fr")
    assert message["Subject"] == "SONS : réinitialisation de votre mot de passe"
    link = smtp_inbox.link(message).removeprefix("http://testserver")
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Nouveau mot de passe" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert get_user_model().objects.get(username="ines").check_password(NEW)
    assert "déjà servi" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_sends_nothing_and_says_the_same(smtp_inbox):
    response = Client().post(reverse("portal:password_reset"), {"email": "personne@nulle-part.fr"})
    assert response.status_code == 302
    run_pending()
    assert smtp_inbox.messages == []

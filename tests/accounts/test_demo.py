"""The demonstration prints its accounts with the second factor their roles require, and `sons demo accounts`
prints them again: the key and the code of the instant, which the sign-in accepts, and the recovery codes."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_demo_prints_each_account_and_the_second_factors(settings):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    for username in ("fournisseur", "deposant", "instructeur", "agent-payeur", "admin-asp", "agent-ans",
                     "admin-ans", "admin", "distributeur"):  # fmt: skip
        assert f"identifiant « {username} »" in printed
    blocks = dict(re.findall(r"identifiant « ([\w-]+) ».*?\n((?: {6}.*\n)*)", printed))
    for needs in ("agent-payeur", "admin-asp", "admin-ans", "admin"):
        assert "second facteur (TOTP)" in blocks[needs] and "otpauth://totp/SONS" in blocks[needs]
        assert len(re.search(r"codes de secours : (.*)", blocks[needs]).group(1).split()) == 10
    for optional in ("fournisseur", "instructeur", "agent-ans"):
        assert "second facteur" not in blocks[optional]

    again = io.StringIO()
    call_command("demo_accounts", stdout=again)
    lines = again.getvalue()
    assert "sons demo accounts" not in lines and "identifiant « agent-payeur »" in lines
    code = re.search(r"« agent-payeur ».*\n.*code de l'instant : (\d{6})", lines).group(1)
    client = Client()
    client.post(reverse("portal:login"), {"username": "agent-payeur", "password": "demo-sons"})
    assert client.get(reverse("portal:batches")).url.startswith(reverse("portal:second_factor"))
    verified = client.post(reverse("portal:second_factor"), {"code": code, "next": reverse("portal:batches")})
    assert verified.status_code == 302 and client.get(reverse("portal:batches")).status_code == 200


def test_without_the_demo_the_command_says_so():
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "Données de démonstration absentes" in out.getvalue()

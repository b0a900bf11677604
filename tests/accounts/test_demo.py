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


def test_a_second_make_run_prints_the_accounts_again():
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Données de démonstration déjà chargées." in out.getvalue()
    assert "identifiant « instructeur »" in out.getvalue()


def test_the_demos_histories_dates_and_motives_agree_with_each_state(today):
    """A history never goes back in time, none is dated before its filing, and a decision's motive says what
    the rules found in the dossier."""
    from django.utils import timezone

    from sons.dossiers.enums import DossierState as S
    from sons.dossiers.models import Dossier

    today("2026-12-01")
    call_command("seed_demo", stdout=io.StringIO())
    dossiers = Dossier.objects.prefetch_related("transitions")
    assert {d.state for d in dossiers} == set(S)
    for dossier in dossiers:
        days = [timezone.localtime(t.at).date() for t in dossier.transitions.order_by("pk")]
        assert days == sorted(days), f"dossier {dossier.pk} : historique {days}"
        if dossier.advance_filed_on:  # the filing's history row is dated as the filing
            filed = next(t for t in dossier.transitions.order_by("pk") if t.to_state == S.ADVANCE_FILED)
            assert timezone.localtime(filed.at).date() == dossier.advance_filed_on == days[0]
    rejected = Dossier.objects.get(state=S.ADVANCE_REJECTED)
    motive = rejected.transitions.get(to_state=S.ADVANCE_REJECTED).reason
    assert "20/05/2025" in motive and rejected.order_signed_on.isoformat() == "2025-05-20"
    assert any(f["severity"] == "blocking" for f in rejected.evaluations.last().findings)
    balance_rejected = Dossier.objects.get(state=S.BALANCE_REJECTED)
    assert balance_rejected.declaration["balance"]["invoice"]["in_client_name"] is False

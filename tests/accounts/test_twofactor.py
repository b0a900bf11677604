"""The second factor (TOTP, django-otp): mandatory for paying agents and administrators, who reach only the
page that enrols it until they have one; used at every sign-in by whoever has one; recovery codes."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sons.audit.models import AuditEntry
from sons.suppliers.enums import Role
from tests.suppliers.world import PASSWORD, agent

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice, at=None) -> str:
    moment = (at or timezone.now()).timestamp()
    with time_machine.travel(moment, tick=False):
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("portal:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def enrol(client: Client) -> list[str]:
    page = client.get(reverse("portal:second_factor_setup"))
    assert (
        page.status_code == 200 and "Votre rôle (paiements ou administration) exige" in page.content.decode()
    )
    qr = client.get(reverse("portal:second_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    device = TOTPDevice.objects.get(confirmed=False)
    assert re.search(r'data-testid="cle">([A-Z2-7]+)<', page.content.decode()).group(1)
    response = client.post(reverse("portal:second_factor_setup"), {"code": code_of(device)})
    assert response.status_code == 200
    return re.findall(r"<li>([a-z0-9]{8})</li>", response.content.decode())


def test_a_paying_agent_without_a_second_factor_reaches_only_its_enrolment():
    agent("payeur", Role.ASP_PAYING_AGENT)
    client = signed_in("payeur")
    for page in ("portal:batches", "portal:recoveries", "portal:dashboards", "portal:account", "portal:home"):
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response.url.startswith(reverse("portal:second_factor_setup") + "?next=")
    api = client.get("/api/payment-batches")
    assert api.status_code == 403 and "Second facteur requis" in api.json()["message"]
    codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("portal:batches")).status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.enrolled").count() == 1


def test_a_wrong_first_code_names_the_field_and_enrols_nothing():
    agent("payeur", Role.ASP_PAYING_AGENT)
    client = signed_in("payeur")
    client.get(reverse("portal:second_factor_setup"))
    response = client.post(reverse("portal:second_factor_setup"), {"code": "000000x"})
    assert response.status_code == 400 and "Code incorrect" in response.content.decode()
    assert 'id="id_code-erreur"' in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("portal:batches")).status_code == 302


def test_whoever_has_a_second_factor_uses_it_at_each_sign_in():
    agent("payeur", Role.ASP_PAYING_AGENT)
    codes = enrol(signed_in("payeur"))
    device = TOTPDevice.objects.get(confirmed=True)
    later = timezone.now() + timedelta(minutes=2)  # a fresh code: each code serves once
    with time_machine.travel(later):
        client = signed_in("payeur")
        response = client.get(reverse("portal:batches"))
        assert response.url == reverse("portal:second_factor") + "?next=%2Fpaiements%2F"
        wrong = client.post(reverse("portal:second_factor"), {"code": "123456", "next": "/paiements/"})
        assert wrong.status_code == 400 and "Code incorrect" in wrong.content.decode()
    with time_machine.travel(later + timedelta(seconds=5)):  # past django-otp's pause after a wrong code
        right = client.post(reverse("portal:second_factor"), {"code": code_of(device), "next": "/paiements/"})
        assert right.status_code == 302 and right.url == "/paiements/"
        assert client.get(reverse("portal:batches")).status_code == 200
    with time_machine.travel(later + timedelta(minutes=1)):  # a recovery code replaces the application once
        other = signed_in("payeur")
        assert other.post(reverse("portal:second_factor"), {"code": codes[0]}).status_code == 302
        third = signed_in("payeur")
        assert third.post(reverse("portal:second_factor"), {"code": codes[0]}).status_code == 400
    assert AuditEntry.objects.filter(action="second_factor.recovery_code_used").count() == 1


def test_the_second_factor_is_optional_for_an_instructor_and_cannot_be_removed_by_a_paying_agent():
    agent("instructeur", Role.ASP_INSTRUCTOR)
    client = signed_in("instructeur")
    assert client.get(reverse("portal:queue")).status_code == 200
    agent("payeur", Role.ASP_PAYING_AGENT)
    payer = signed_in("payeur")
    enrol(payer)
    payer.post(reverse("portal:second_factor_remove"))
    assert TOTPDevice.objects.filter(user__username="payeur", confirmed=True).exists()


@pytest.mark.parametrize("role", [Role.ASP_ADMIN, Role.ANS_ADMIN])
def test_administrators_need_a_second_factor_too(role):
    agent("admin", role)
    client = signed_in("admin")
    response = client.get(reverse("portal:staff_agents"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:second_factor_setup"))

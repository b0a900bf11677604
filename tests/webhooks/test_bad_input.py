"""Bad input: a webhook URL that is not https in production, or that resolves to a loopback, private,
link-local or platform address, is refused with a French message naming the field — when made and again at
each attempt (DNS rebinding); a receiver answering slowly, by a redirect or with a huge body is cut off at
10 s and 64 KB and counted as a failure."""

import time

import pytest
from django.conf import settings as django_settings

from sons.webhooks import safety
from sons.webhooks.enums import AttemptKind, DeliveryState
from sons.webhooks.models import Attempt, Delivery
from tests.queue import run_pending

from .conftest import happen, subscribe
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.SONS_WEBHOOK_HTTPS_ONLY = True
    settings.SONS_WEBHOOK_ALLOW_LOOPBACK = False
    return settings


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://93.184.215.14/hook", "seules les adresses https:// sont admises en production"),
        ("https://127.0.0.1/hook", "adresse de bouclage"),
        ("https://localhost:8443/hook", "adresse de bouclage"),
        ("https://[::1]/hook", "adresse de bouclage"),
        ("https://10.0.0.1/hook", "adresse privée"),
        ("https://172.16.5.4/hook", "adresse privée"),
        ("https://192.168.1.20/hook", "adresse privée"),
        ("https://[::ffff:10.0.0.1]/hook", "adresse privée"),
        ("https://[fd00::1]/hook", "adresse privée"),
        ("https://169.254.169.254/latest/meta-data", "lien-local"),
        ("https://[fe80::1]/hook", "lien-local"),
        ("https://0.0.0.0/hook", "non spécifiée"),
        ("https://100.64.0.1/hook", "non publique"),
        ("https://224.0.0.1/hook", "non publique"),
        ("https://nexiste-pas.invalid/hook", "introuvable"),
        ("https://user:motdepasse@93.184.215.14/hook", "identifiant"),
        ("javascript:alert(1)", "https://"),
        ("https:///chemin", "nom d'hôte manquant"),
        ("https://93.184.215.14/a b", "espace"),
        ("", "obligatoire"),
    ],
)
def test_unsafe_urls_are_refused_naming_the_field(production, url, words):
    with pytest.raises(safety.UnsafeTarget) as refused:
        safety.check(url, "url")
    assert refused.value.field == "url" and refused.value.message.startswith("url : ")
    assert words in refused.value.message, refused.value.message


def test_a_public_https_address_is_accepted(production):
    target = safety.check("https://93.184.215.14:8443/recevoir?x=1")
    assert (target.scheme, target.host, target.port, target.path, target.addresses) == (
        "https", "93.184.215.14", 8443, "/recevoir?x=1", ("93.184.215.14",)
    )  # fmt: skip


def test_the_platforms_own_networks_and_names_are_refused(production):
    production.SONS_WEBHOOK_BLOCKED_NETWORKS = ["93.184.215.0/24"]
    with pytest.raises(safety.UnsafeTarget, match="réseau de la plateforme"):
        safety.check("https://93.184.215.14/hook")
    production.SONS_WEBHOOK_BLOCKED_NETWORKS = []
    production.ALLOWED_HOSTS = ["93.184.215.14"]
    with pytest.raises(safety.UnsafeTarget, match="plateforme SONS elle-même"):
        safety.check("https://93.184.215.14/hook")


def test_production_refuses_http_and_loopback_by_default():
    from config.settings import base

    assert base.SONS_WEBHOOK_HTTPS_ONLY is True and base.SONS_WEBHOOK_ALLOW_LOOPBACK is False
    assert (
        django_settings.SONS_WEBHOOK_TIMEOUT_SECONDS == 10
        and django_settings.SONS_WEBHOOK_MAX_ANSWER_BYTES == 65536
    )


def test_an_address_that_turns_private_after_subscribing_is_refused_at_delivery(
    organisation, settings, receiver
):
    """DNS rebinding: the name resolved to an allowed address when subscribed; at delivery it resolves to one
    that is not (here: loopback, allowed when subscribing, refused afterwards): nothing is sent."""
    subscribe(organisation, receiver.url.replace("127.0.0.1", "localhost"))
    settings.SONS_WEBHOOK_ALLOW_LOOPBACK = False
    happen(organisation)
    run_pending()
    assert receiver.requests == []
    (attempt,) = Attempt.objects.all()
    assert attempt.kind == AttemptKind.REFUSED_ADDRESS and "adresse de bouclage" in attempt.error
    assert Delivery.objects.get().state == DeliveryState.PENDING  # retried later, like any failure


def attempt_against(organisation, settings, answer, **receiver_options) -> tuple[Attempt, Receiver]:
    settings.SONS_WEBHOOK_TIMEOUT_SECONDS = (
        1.0  # the mechanism, made quick; production's 10 s is checked above
    )
    with Receiver([answer], **receiver_options) as receiver:
        subscribe(organisation, receiver.url)
        happen(organisation)
        started = time.monotonic()
        run_pending()
        elapsed = time.monotonic() - started
    (attempt,) = Attempt.objects.all()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1  # a failure, to be retried
    assert elapsed < 4, elapsed
    return attempt, receiver


def test_a_slow_receiver_is_cut_off(organisation, settings):
    attempt, _ = attempt_against(organisation, settings, "slow", pause=5)
    assert attempt.kind == AttemptKind.TIMEOUT and "1 s" in attempt.error and attempt.duration_ms < 2500


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_total_time(organisation, settings):
    attempt, _ = attempt_against(organisation, settings, "drip", pause=5)
    assert attempt.kind == AttemptKind.TIMEOUT and attempt.status == 200 and attempt.duration_ms < 2500


def test_a_hanging_receiver_is_cut_off(organisation, settings):
    attempt, _ = attempt_against(organisation, settings, "hang")
    assert attempt.kind == AttemptKind.TIMEOUT


def test_a_redirect_is_not_followed(organisation, settings):
    with Receiver() as elsewhere:
        attempt, _ = attempt_against(organisation, settings, "redirect", location=elsewhere.url)
        assert elsewhere.requests == []
    assert (attempt.kind, attempt.status) == (AttemptKind.REDIRECT, 302) and "non suivie" in attempt.error


def test_a_huge_answer_is_cut_off_at_64_kb(organisation, settings):
    attempt, _ = attempt_against(organisation, settings, "huge")
    assert (attempt.kind, attempt.status) == (AttemptKind.TOO_LARGE, 200) and "64 Ko" in attempt.error
    assert len(attempt.answer) <= 500


def test_a_closed_port_is_a_connection_failure(organisation, settings):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(organisation, url)  # the receiver has stopped: nothing listens there any more
    happen(organisation)
    run_pending()
    (attempt,) = Attempt.objects.all()
    assert attempt.kind == AttemptKind.CONNECTION_ERROR and "connexion" in attempt.error


def test_https_is_verified_for_the_host_name_while_connecting_to_the_checked_address(
    organisation, settings, tmp_path
):
    """The connection goes to the address just checked, with the host name in SNI and in the certificate's
    verification: a certificate of an authority the sender trusts is accepted, any other refused."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from standardwebhooks import Webhook

    from .tls import make

    authority, certificate, key = make(tmp_path)
    settings.SONS_WEBHOOK_HTTPS_ONLY = True
    with Receiver(tls=(certificate, key)) as receiver:
        _, secret = subscribe(organisation, receiver.url)
        happen(organisation)
        run_pending()  # the system's authorities do not know this one: refused, no request served
        (refused,) = Attempt.objects.all()
        assert refused.kind == AttemptKind.TLS_ERROR and "TLS" in refused.error
        assert receiver.requests == []
        settings.SONS_WEBHOOK_CA_FILE = authority
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())  # the retry, due now
        run_pending()
        (got,) = receiver.wait_for(1)
    Webhook(secret).verify(got.body, got.headers)
    assert Delivery.objects.get().state == DeliveryState.DELIVERED

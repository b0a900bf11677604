"""SONS_EMAIL_URL read into Django's EMAIL_* settings (config/settings/email.py)."""

import re

import pytest

from config.settings.email import email_settings


def test_smtp_with_starttls_and_an_encoded_password():
    found = email_settings("smtp://sons%40asp.fr:p%40ss%3Aword@smtp.asp.fr:587")
    assert found == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.asp.fr",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "sons@asp.fr", "EMAIL_HOST_PASSWORD": "p@ss:word",
        "EMAIL_USE_SSL": False, "EMAIL_USE_TLS": True, "EMAIL_TIMEOUT": 10,
    }  # fmt: skip


def test_smtps_and_the_local_relay():
    assert email_settings("smtps://relais.example:465")["EMAIL_USE_SSL"] is True
    local = email_settings("smtp://localhost:25")
    assert (local["EMAIL_HOST"], local["EMAIL_PORT"], local["EMAIL_USE_TLS"]) == ("localhost", 25, False)
    assert email_settings("smtp://relais.example?tls=oui")["EMAIL_USE_TLS"] is True


def test_a_provider_through_anymail():
    assert email_settings("anymail+brevo://xkeysib-123@") == {
        "EMAIL_BACKEND": "anymail.backends.brevo.EmailBackend", "ANYMAIL": {"BREVO_API_KEY": "xkeysib-123"},
    }  # fmt: skip
    assert (
        email_settings("anymail+amazon-ses://KEY@")["EMAIL_BACKEND"]
        == "anymail.backends.amazon_ses.EmailBackend"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("pop3://x", "schéma « pop3 » inconnu"),
        ("smtp://", "serveur SMTP manquant"),
        ("smtp://host:port", "adresse illisible"),
        ("anymail+brevo://", "anymail+FOURNISSEUR://CLÉ@"),
    ],
)
def test_a_wrong_address_is_named_in_french(url, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        email_settings(url)

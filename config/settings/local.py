"""Placeholders for a developer's machine and the tests only: never imported by `prod`, which reads the real
values from the environment and refuses these (see `prod.REFUSED`)."""

import os

DEV_SECRET_KEY = "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEV_AUDIT_KEY = "dev-only-audit-key-not-secret"
# Encrypts the webhook secrets of a developer's database and of the tests: a Fernet key (32 bytes in url-safe
# base64) spelled out so that nobody takes it for a secret.
DEV_WEBHOOK_SECRET_KEY = "ZGV2LW9ubHktd2ViaG9vay1rZXktbm90LXNlY3JldCE="  # b"dev-only-webhook-key-not-secret!"
# The ASP's paying account: a placeholder with valid check digits (Banque de France bank code).
DEV_ASP_ACCOUNT = {
    "name": "Agence de services et de paiement",
    "IBAN": "FR7630001007941234567890185",
    "BIC": "BDFEFRPPCCT",
}

SECRET_KEY = os.environ.get("SONS_SECRET_KEY") or DEV_SECRET_KEY
SONS_AUDIT_KEY = os.environ.get("SONS_AUDIT_KEY") or DEV_AUDIT_KEY
SONS_WEBHOOK_SECRET_KEYS = [
    k.strip() for k in os.environ.get("SONS_WEBHOOK_SECRET_KEYS", "").split(",") if k.strip()
] or [DEV_WEBHOOK_SECRET_KEY]
SONS_ASP_ACCOUNT = DEV_ASP_ACCOUNT
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

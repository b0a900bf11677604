"""Test settings: SQLite by default; PostgreSQL when SONS_TEST_DATABASE_URL is set."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .local import *  # noqa: F403

DEBUG = False
# Webhook receivers of the tests listen on http://127.0.0.1 (sons.webhooks.safety refuses both elsewhere).
SONS_WEBHOOK_HTTPS_ONLY = False
SONS_WEBHOOK_ALLOW_LOOPBACK = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_url = os.environ.get("SONS_TEST_DATABASE_URL")
if _url:
    DATABASES = {"default": tuned(dj_database_url.parse(_url, conn_health_checks=True))}  # noqa: F405
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}


class _InvalidTemplateVariable(str):
    """Fails the test when a template reads a variable that does not exist."""

    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit inconnue : {other}")


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = _InvalidTemplateVariable("%s")  # noqa: F405

# The tests call the API far faster than a supplier may; the throttling tests set their own quota.
SONS_API_RATE_LIMIT = 1_000_000

# Worker processes started by a test (tests/jobs/harness.py) send their e-mails to the test's SMTP server.
if os.environ.get("SONS_TEST_EMAIL_URL"):
    from .email import email_settings

    globals().update(email_settings(os.environ["SONS_TEST_EMAIL_URL"]))

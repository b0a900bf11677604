"""Settings shared by every environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = os.environ.get("SONS_SECRET_KEY", "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("SONS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "sons.accounts",
    "sons.audit",
    "sons.registry",
    "sons.directory",
    "sons.suppliers",
    "sons.dossiers",
    "sons.payments",
    "sons.recoveries",
    "sons.api",
    "sons.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sons.accounts.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sons.api.idempotency.JsonErrorsMiddleware",
    "sons.api.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sons.portal.context.navigation",
            ],
        },
    },
]


def tuned(database: dict) -> dict:
    """On PostgreSQL, bind parameters on the server so that psycopg prepares the statements a request
    repeats (measured: half the database CPU per filing)."""
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    return database


DATABASES = {
    "default": tuned(
        dj_database_url.config(
            env="DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sons.sqlite3'}", conn_max_age=60
        )
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The dashboards' figures are shared by every process: computed by `sons dashboards` (every 5 minutes in
# production), kept in the database (`manage.py createcachetable`, run by `make run` and by the tests).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sons_figures_cache"},
}

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:space"
LOGOUT_REDIRECT_URL = "portal:home"
STATIC_ROOT = VAR_DIR / "static"

# A bulk filing of 10 000 dossiers is about 5 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# Uploaded documents live outside any served folder; only the API hands them out.
SONS_DOCUMENTS_DIR = os.environ.get("SONS_DOCUMENTS_DIR", str(VAR_DIR / "documents"))

from .accounts import *  # noqa: E402, F403 - ProConnect, second factor, e-mailed links

# Where the simulator page finds its sample dossiers.
SONS_EXAMPLES_DIR = BASE_DIR / "examples"

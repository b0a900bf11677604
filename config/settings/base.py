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
    "sons.api.middleware.ExactBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sons.api.middleware.JsonErrorsMiddleware",
    "sons.api.middleware.AtomicWritesMiddleware",
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
    repeats (measured: half the database CPU per filing).

    On SQLite (a file), write-ahead logging: readers keep reading the last committed state while a writer
    works (a directory import, a bulk filing) instead of getting « database is locked »; a writer waits up
    to 20 s for another one."""
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    elif database["ENGINE"].endswith("sqlite3") and database.get("NAME") not in ("", ":memory:", None):
        database.setdefault("OPTIONS", {}).update(
            {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", "timeout": 20}
        )
    return database


DATABASES = {
    "default": tuned(
        dj_database_url.config(
            env="DATABASE_URL",
            default=f"sqlite:///{VAR_DIR / 'sons.sqlite3'}",
            conn_max_age=60,
            # A connection kept across requests is checked before reuse: after a database restart the next
            # request reconnects instead of failing.
            conn_health_checks=True,
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

# A request is answered within this time or its worker is killed (the server's timeout, deploy/): an
# Idempotency-Key whose request is still unfinished after it is released for the retry.
SONS_REQUEST_TIMEOUT_SECONDS = int(os.environ.get("SONS_REQUEST_TIMEOUT_SECONDS", "60"))
# How long an Idempotency-Key's answer is kept and replayed (purge_idempotency removes older ones).
SONS_IDEMPOTENCY_HOURS = 24
# What a 503 (database restarting) tells the client to wait before retrying.
SONS_RETRY_AFTER_SECONDS = 5

# A bulk filing of 10 000 dossiers is about 5 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# Uploaded documents live outside any served folder; only the API hands them out.
SONS_DOCUMENTS_DIR = os.environ.get("SONS_DOCUMENTS_DIR", str(VAR_DIR / "documents"))

# Where the simulator page finds its sample dossiers.
SONS_EXAMPLES_DIR = BASE_DIR / "examples"

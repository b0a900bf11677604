"""Settings shared by every environment. Secrets and the ASP's account are not here: `prod` reads them from
the environment (and refuses to start without them), `dev` and `test` take the placeholders of `local`."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from sons.observability import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

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
    "ninja",  # its Swagger UI assets served from our static files, not a CDN
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "sons.jobs",
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
    "sons.notifications",
    "sons.webhooks",
    "sons.api",
    "sons.portal",
]

MIDDLEWARE = [
    "sons.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sons.web.UploadSizeMiddleware",
    "sons.api.middleware.ExactBodyMiddleware",
    "sons.api.headers.ApiHeadersMiddleware",  # versions, throttling, error codes (before the body is read)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "sons.input_guard.NulBytesMiddleware",  # after CSRF: it reads the form fields CSRF has read
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sons.accounts.twofactor.SecondFactorMiddleware",
    "sons.web.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sons.api.middleware.JsonErrorsMiddleware",
    "sons.api.middleware.AtomicWritesMiddleware",
    "sons.api.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "sons.web.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Sign-in: 10 wrong passwords lock the account (whatever the address) for 15 minutes (sons.portal.signin).
AUTHENTICATION_BACKENDS = [
    "sons.portal.signin.SignInThrottle",
    "django.contrib.auth.backends.ModelBackend",
    "sons.accounts.proconnect.ProConnectBackend",  # config/settings/accounts.py
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sons.portal.signin.locked_out"
AXES_VERBOSE = False
# axes.W006 asks to lock addresses too: behind the TLS proxy every sign-in may come from the proxy's address,
# whose lockout would lock everybody out. Accounts are what is protected here.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Django's password validators (messages in French, the only language).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
                "sons.portal.context.af_figures",
            ],
            "builtins": ["sons.portal.templatetags.sons"],
        },
    },
]


def tuned(database: dict) -> dict:
    """On PostgreSQL, bind parameters on the server so that psycopg prepares the statements a request
    repeats (measured: half the database CPU per filing).

    On SQLite (a file), write-ahead logging: readers keep reading the last committed state while a writer
    works (a directory import, a bulk filing) instead of getting « database is locked »; a writer waits up
    to 20 s for another one. Transactions begin IMMEDIATE (taking the write lock at once, waiting for it):
    a deferred one that reads, then writes after another writer committed fails at once with « database is
    locked » instead of waiting (two job workers' heartbeats, measured)."""
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    elif database["ENGINE"].endswith("sqlite3") and database.get("NAME") not in ("", ":memory:", None):
        database.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            }
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

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]  # French only, whatever the browser asks for
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:space"
LOGOUT_REDIRECT_URL = "portal:home"
STATIC_ROOT = os.environ.get("SONS_STATIC_ROOT", str(VAR_DIR / "static"))  # collectstatic writes here

# The audit journal's signed checkpoints (sons audit checkpoint, daily): outside the database, backed up with
# it but apart (docs/operations.md). Signed with SONS_AUDIT_KEY (required in production).
SONS_AUDIT_CHECKPOINT_DIR = os.environ.get("SONS_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))

# A request is answered within this time or its worker is killed (the server's timeout, deploy/): an
# Idempotency-Key whose request is still unfinished after it is released for the retry.
SONS_REQUEST_TIMEOUT_SECONDS = int(os.environ.get("SONS_REQUEST_TIMEOUT_SECONDS", "60"))
# How long an Idempotency-Key's answer is kept and replayed (purge_idempotency removes older ones).
SONS_IDEMPOTENCY_HOURS = 24
# What a 503 (database restarting) tells the client to wait before retrying.
SONS_RETRY_AFTER_SECONDS = 5
# API throttling per token (sons.api.headers): at most SONS_API_RATE_LIMIT requests per SONS_API_RATE_WINDOW
# seconds, counted in each server process; past it, 429 with Retry-After.
SONS_API_RATE_LIMIT = int(os.environ.get("SONS_API_RATE_LIMIT", "1200"))
SONS_API_RATE_WINDOW = 60
# The unversioned paths /api/… (aliases of /api/v1/…): deprecated since, and answered until (docs/api.md).
SONS_API_DEPRECATED_ON = "2026-12-01"
SONS_API_SUNSET_ON = "2027-06-30"

# A bulk filing of 10 000 dossiers is about 5 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
# Uploaded files are kept in memory, counted and capped as they arrive (sons.web): nothing of an upload is
# written to disk before its size is known to be within the limit; a multipart body announced larger than
# the limit is refused (413) before it is read.
FILE_UPLOAD_HANDLERS = ["sons.web.CappedUploadHandler"]
SONS_UPLOAD_MAX_BYTES = 16 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Uploaded documents live outside any served folder; only the API and the portal hand them out, through the
# storage "documents" (a folder here; an S3-compatible store in production if STORAGES says so, see prod).
SONS_DOCUMENTS_DIR = os.environ.get("SONS_DOCUMENTS_DIR", str(VAR_DIR / "documents"))
# The text of an uploaded PDF is read by a job worker in a child process under these limits; past them the
# document gets the finding « document illisible dans le temps imparti ».
SONS_PDF_CHECK_SECONDS = float(os.environ.get("SONS_PDF_CHECK_SECONDS", "20"))
SONS_PDF_CHECK_MEMORY_MB = int(os.environ.get("SONS_PDF_CHECK_MEMORY_MB", "512"))
# Exports larger than this are written by a job worker, and the page offers the file when it is ready.
SONS_EXPORT_ROWS_IN_REQUEST = int(os.environ.get("SONS_EXPORT_ROWS_IN_REQUEST", "10000"))
STORAGES["documents"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": SONS_DOCUMENTS_DIR},
}


# Where the simulator page finds its sample dossiers.
SONS_EXAMPLES_DIR = BASE_DIR / "examples"

# Sessions end after 8 hours without a request: sons.web.SessionActivityMiddleware pushes the expiry back
# (saving the session) at most once a minute, rather than writing the session on every request.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): every script and style comes from our own static files; no inline
# script, no inline style, no outside host. Images may be data: URIs (the DSFR's icons, Swagger UI's).
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}

# Jobs (django-tasks, database backend): a job row is written in the transaction of the change that causes it;
# workers (`sons worker`) take jobs with SELECT … FOR UPDATE SKIP LOCKED. See sons.jobs and docs/architecture.md.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "documents", "exports", "webhooks"],
    }
}

# Workers and the scheduler write a heartbeat every SONS_JOBS_BEAT_SECONDS; one silent for
# SONS_JOBS_STALE_SECONDS is taken for dead: its job goes back in the queue, its locks are free.
SONS_JOBS_BEAT_SECONDS = float(os.environ.get("SONS_JOBS_BEAT_SECONDS", "5"))
SONS_JOBS_STALE_SECONDS = float(os.environ.get("SONS_JOBS_STALE_SECONDS", "30"))
# /readyz answers 503 when the oldest job waiting is older than this (workers stopped or overwhelmed).
SONS_READY_MAX_BACKLOG_SECONDS = int(os.environ.get("SONS_READY_MAX_BACKLOG_SECONDS", "600"))

# Webhooks (sons.webhooks, docs/api.md): https only and public addresses only (the platform's own networks,
# SONS_WEBHOOK_BLOCKED_NETWORKS, comma-separated CIDRs, refused too); each attempt cut off at 10 s and 64 KB;
# retried after these delays (seconds: 10 attempts over about 24 h), then abandoned.
SONS_WEBHOOK_HTTPS_ONLY = True
SONS_WEBHOOK_ALLOW_LOOPBACK = False  # True in the tests only (their receivers listen on 127.0.0.1)
SONS_WEBHOOK_BLOCKED_NETWORKS = [
    n.strip() for n in os.environ.get("SONS_WEBHOOK_BLOCKED_NETWORKS", "").split(",") if n.strip()
]
SONS_WEBHOOK_TIMEOUT_SECONDS = 10.0
SONS_WEBHOOK_MAX_ANSWER_BYTES = 64 * 1024
SONS_WEBHOOK_CA_FILE = ""  # empty: the system's certificate authorities (the tests give their own)
SONS_WEBHOOK_RETRY_DELAYS = [10, 60, 300, 1800, 3600, 7200, 14400, 28800, 28800]
# After a rotation of a subscription's secret, the previous secret signs deliveries too for this long (seconds):
# both signatures in webhook-signature, so that a receiver has a day to take the new secret.
SONS_WEBHOOK_SECRET_OVERLAP = int(os.environ.get("SONS_WEBHOOK_SECRET_OVERLAP", "86400"))
# Keys encrypting the webhook secrets at rest (sons.webhooks.encryption, Fernet): the first encrypts, all decrypt.
# Not here: `prod` reads SONS_WEBHOOK_SECRET_KEYS (comma-separated) and refuses to start without it; `dev` and
# `test` take the fixed, non-secret key of `local`.
SONS_WEBHOOK_SECRET_KEYS: list[str] = []
# The change feed (GET /api/v1/events) lists an event once it is this old (sons.webhooks.feed says why).
SONS_FEED_SETTLE_SECONDS = float(os.environ.get("SONS_FEED_SETTLE_SECONDS", "5"))

LOGGING = logging_config(json=False)

# The RPPS extract refreshed every night by the scheduler (`sons import rpps`); unset: the job says so and skips.
# A completion request is to be answered within these days (shown with it; a reminder follows when it is not).
SONS_COMPLETION_ANSWER_DAYS = int(os.environ.get("SONS_COMPLETION_ANSWER_DAYS", "15"))
# A completion request unanswered after these days gets a reminder (once).
SONS_COMPLETION_REMINDER_DAYS = int(os.environ.get("SONS_COMPLETION_REMINDER_DAYS", "15"))
SONS_RPPS_PATH = os.environ.get("SONS_RPPS_PATH", "")

from .accounts import *  # noqa: E402, F403 - ProConnect, second factor, e-mailed links

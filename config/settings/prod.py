"""Production: everything from the environment (docs/operations.md lists each variable), behind a TLS proxy.

Required: SONS_SECRET_KEY, SONS_AUDIT_KEY, SONS_WEBHOOK_SECRET_KEYS, SONS_ASP_IBAN, SONS_ASP_BIC, SONS_ASP_NAME.
Without one of them, or with a value that cannot be right, the process stops at start-up with one French line (no
traceback) and never falls back to a committed placeholder.
"""

import json
import os
import sys

import dj_database_url
from cryptography.fernet import Fernet
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban

from sons.observability import init_sentry, logging_config

from .base import *  # noqa: F403
from .base import MIDDLEWARE, STORAGES, tuned
from .email import email_settings

# Secrets committed in this repository (config/settings/local.py) are refused in production.
REFUSED = {
    "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "dev-only-audit-key-not-secret",
    "ZGV2LW9ubHktd2ViaG9vay1rZXktbm90LXNlY3JldCE=",
}
MIN_SECRET_LENGTH = {"SONS_SECRET_KEY": 50, "SONS_AUDIT_KEY": 16}  # 50: what `check --deploy` asks (W009)

_problems: list[str] = []


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _required(name: str) -> str:
    value = _env(name)
    if not value:
        _problems.append(f"{name} manquante")
    elif value in REFUSED:
        _problems.append(f"{name} : valeur de développement refusée en production")
    return value


def _secret(name: str) -> str:
    value = _required(name)
    if value and value not in REFUSED and (len(value) < MIN_SECRET_LENGTH[name] or len(set(value)) < 5):
        _problems.append(f"{name} trop courte ({MIN_SECRET_LENGTH[name]} caractères variés au moins)")
    return value


def _checked(name: str, module, label: str) -> str:
    value = _required(name)
    if value and value not in REFUSED:
        try:
            return module.validate(value)
        except Exception:  # stdnum's ValidationError family: wrong length, format or check digits
            _problems.append(f"{name} : {label} invalide")
    return module.compact(value) if value else value


DEBUG = False
SECRET_KEY = _secret("SONS_SECRET_KEY")
SONS_AUDIT_KEY = _secret("SONS_AUDIT_KEY")
# Comma-separated Fernet keys, the first one encrypting (sons.webhooks.encryption; rotation: docs/operations.md).
SONS_WEBHOOK_SECRET_KEYS = [k.strip() for k in _env("SONS_WEBHOOK_SECRET_KEYS").split(",") if k.strip()]
if not SONS_WEBHOOK_SECRET_KEYS:
    _problems.append("SONS_WEBHOOK_SECRET_KEYS manquante")
for _number, _key in enumerate(SONS_WEBHOOK_SECRET_KEYS, 1):
    if _key in REFUSED:
        _problems.append(
            f"SONS_WEBHOOK_SECRET_KEYS : clé n° {_number}, valeur de développement refusée en production"
        )
        continue
    try:
        Fernet(_key)
    except ValueError:
        _problems.append(
            f"SONS_WEBHOOK_SECRET_KEYS : clé n° {_number} invalide (clé Fernet attendue : 32 octets en base64 url)"
        )
SONS_ASP_ACCOUNT = {
    "name": _required("SONS_ASP_NAME"),
    "IBAN": _checked("SONS_ASP_IBAN", stdnum_iban, "IBAN"),
    "BIC": _checked("SONS_ASP_BIC", stdnum_bic, "BIC"),
}
if len(SONS_ASP_ACCOUNT["name"]) > 70:
    _problems.append("SONS_ASP_NAME : 70 caractères au plus (nom du donneur d'ordre SEPA)")

ALLOWED_HOSTS = [h.strip() for h in _env("SONS_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]
DATABASES = {
    "default": tuned(
        dj_database_url.parse(
            _env("DATABASE_URL", "postgres:///sons"), conn_max_age=60, conn_health_checks=True
        )
    )
}

try:
    globals().update(email_settings(_env("SONS_EMAIL_URL", "smtp://localhost:25")))
except ValueError as error:
    _problems.append(f"SONS_EMAIL_URL : {error}")
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _env(
    "SONS_EMAIL_FROM", "SONS Ségur numérique <ne-pas-repondre@localhost>"
)

# Documents: a folder (SONS_DOCUMENTS_DIR, base's default) or any Django storage, e.g. an S3-compatible store
# with django-storages: SONS_DOCUMENTS_STORAGE=storages.backends.s3.S3Storage and its options as JSON in
# SONS_DOCUMENTS_STORAGE_OPTIONS ({"bucket_name": …, "endpoint_url": …, "access_key": …, "secret_key": …}).
if _env("SONS_DOCUMENTS_STORAGE"):
    try:
        _options = json.loads(_env("SONS_DOCUMENTS_STORAGE_OPTIONS", "{}"))
    except ValueError:
        _problems.append("SONS_DOCUMENTS_STORAGE_OPTIONS : objet JSON attendu")
        _options = {}
    STORAGES["documents"] = {"BACKEND": _env("SONS_DOCUMENTS_STORAGE"), "OPTIONS": _options}

# Static files: hashed names and gzip copies made by collectstatic (var/static), served by whitenoise with a
# year of cache. (In development, runserver serves them; the tests need none.)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")  # fmt: skip

# Behind the TLS proxy, which sets X-Forwarded-Proto (and must strip it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probed over plain HTTP from the machine itself
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host not in ("*", "")]
# The public address the e-mails' links point to (sign-up confirmation, invitations, passwords).
SONS_BASE_URL = _env("SONS_BASE_URL") or (
    CSRF_TRUSTED_ORIGINS[0] if CSRF_TRUSTED_ORIGINS else "https://localhost"
)
if bool(_env("OIDC_RP_CLIENT_ID")) != bool(_env("OIDC_RP_CLIENT_SECRET")) or (
    _env("OIDC_RP_CLIENT_ID") and not (_env("OIDC_OP_BASE_URL") or _env("OIDC_OP_ISSUER"))
):
    _problems.append(
        "ProConnect : OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET et OIDC_OP_BASE_URL vont ensemble"
    )

LOGGING = logging_config(json=True, level=_env("SONS_LOG_LEVEL", "INFO"))

if _problems:
    # One French line on stderr and exit code 1, before anything is served: no traceback, no fallback.
    sys.stderr.write(
        "Configuration de production incomplète : " + " ; ".join(_problems) + " (voir docs/operations.md).\n"
    )
    raise SystemExit(1)

if _env("SENTRY_DSN"):
    init_sentry(_env("SENTRY_DSN"), environment=_env("SONS_ENVIRONMENT", "production"))

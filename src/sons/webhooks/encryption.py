"""Webhook secrets encrypted at rest: Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`) under the keys of
SONS_WEBHOOK_SECRET_KEYS. The first key encrypts; every key decrypts (MultiFernet), so that a new key is put first,
the rows encrypted again under it (`sons webhooks reencrypt`: services.reencrypt_secrets), then the old key
dropped (docs/operations.md).

`EncryptedSecretField` is the column: the database holds the token (never the secret), Python the secret. The
empty string stays empty (« no previous secret »: the constraint and the nightly purge compare with it). A token
is not comparable: a lookup on the column never matches (nothing looks a subscription up by its secret)."""

from __future__ import annotations

import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

logger = logging.getLogger("sons.webhooks")
TOKEN_PREFIX = "gAAAAA"  # every Fernet token: version byte 0x80 and a timestamp, in base64


class UndecryptableSecret(ImproperlyConfigured):
    """A stored secret that none of the keys decrypts: a key missing from SONS_WEBHOOK_SECRET_KEYS."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "SONS_WEBHOOK_SECRET_KEYS vide : aucune clé pour chiffrer les secrets des webhooks."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "SONS_WEBHOOK_SECRET_KEYS : chaque clé est une clé Fernet (32 octets en base64 « url »)."
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.SONS_WEBHOOK_SECRET_KEYS))


def encrypt(secret: str) -> str:
    return fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableSecret(
            "Secret de webhook indéchiffrable : la clé qui l'a chiffré manque à SONS_WEBHOOK_SECRET_KEYS "
            "(docs/operations.md, « Clés des secrets des webhooks »)."
        ) from None


class EncryptedSecretField(models.CharField):
    """A secret kept encrypted in its column (a Fernet token), in clear on the model instance."""

    def from_db_value(self, value, expression, connection):
        if value and not value.startswith(TOKEN_PREFIX):
            # A secret in clear: written by a process of the previous version while the release migrated
            # (deploy/release.sh restarts them after). Read as it is; `sons webhooks reencrypt` encrypts it.
            logger.warning("Secret de webhook en clair dans la base : lancer « sons webhooks reencrypt ».")
            return value
        return value if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None else encrypt(value)

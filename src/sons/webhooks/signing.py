"""Signing deliveries by the Standard Webhooks convention (https://www.standardwebhooks.com).

A subscription's secret is `whsec_` followed by the base64 of 32 random bytes; the key is those bytes. Each
delivery carries three headers:

    webhook-id: evt_123               the event's stable id: the same on every attempt and every replay
    webhook-timestamp: 1764590400     seconds since the epoch, when this attempt was signed
    webhook-signature: v1,<base64>    HMAC-SHA256 with the key over « id.timestamp.body »

so a receiver verifies them with any library of the standard (`standardwebhooks` in Python) and drops a
webhook-id it has already handled.

After a rotation of the secret, and for SONS_WEBHOOK_SECRET_OVERLAP seconds, a delivery is signed with the new
secret and with the previous one, space-separated as the standard has it for rotations:

    webhook-signature: v1,<with the new secret> v1,<with the previous secret>

so a receiver still verifying with the previous secret accepts it, as does one already given the new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` + base64(HMAC-SHA256(key, « id.timestamp.body »))."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(signing_secrets: Sequence[str], webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers; `webhook-signature` carries one signature per secret, in that order."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, webhook_id, timestamp, body) for secret in signing_secrets
        ),
    }

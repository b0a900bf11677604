"""Idempotency-Key on API POSTs: the first answer is stored and replayed to any retry with the same key.

Keys belong to the authenticated caller (a supplier organisation, or a staff user): an anonymous request, or
one with a token that does not authenticate, records nothing. The record is written in the request's own
transaction (sons.api.middleware.AtomicWritesMiddleware), so it commits with the change it answers for, or
not at all: a worker killed, a connection cut or a database restart mid-request leaves no key « in
progress », and the retry simply runs. A retry arriving while the first request still runs waits for it (at
most the request's timeout, SONS_REQUEST_TIMEOUT_SECONDS), then replays its answer. Records are kept
SONS_IDEMPOTENCY_HOURS (24 h): `purge_idempotency` removes older ones, and a key older than that is new again.

A confidential answer (a webhook's signing secret: its view calls `confidential(request)`) is replayed only to
the caller who received it (the same token, or the same session): the organisation's other members get 422
`idempotency_reused` — a shared store of answers must not hand one member's secret to another. Its body is
kept encrypted, under the webhook secrets' keys (sons.webhooks.encryption): the secret is never in clear in
the database, in its subscription or here.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse, UnreadablePostError
from django.utils import timezone

from sons.webhooks.encryption import fernet

from .auth import principal_of_request
from .headers import caller_key
from .middleware import incomplete_body_response
from .models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
# Answers not stored: the request was not processed (not authenticated or not allowed), or failed.
NOT_STORED = (401, 403)


def request_timeout() -> int:
    return int(getattr(settings, "SONS_REQUEST_TIMEOUT_SECONDS", 60))


def retention() -> timedelta:
    return timedelta(hours=int(getattr(settings, "SONS_IDEMPOTENCY_HOURS", 24)))


def purge_idempotency(older_than: timedelta | None = None) -> int:
    """Delete the records older than `older_than` (24 h by default); returns how many were deleted."""
    cutoff = timezone.now() - (older_than if older_than is not None else retention())
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def owner_of(principal) -> str:
    """Whose keys: a supplier's keys are its organisation's, whatever token or member sends them."""
    if principal.is_supplier and principal.organisation_id is not None:
        return f"org:{principal.organisation_id}"
    return f"user:{principal.user.pk}"


def confidential(request) -> None:
    """This request's answer carries a secret: replayed under its Idempotency-Key to its caller only."""
    request.sons_confidential = True


def _refusal(message: str, status: int, code: str = "invalid_value") -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": "Idempotency-Key"}, status=status)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        principal = principal_of_request(request)
        if principal is None or (principal.user is None and not principal.is_supplier):
            return self.get_response(request)  # unauthenticated: the view answers 401, nothing is kept
        if len(key) > 200:
            return _refusal("En-tête Idempotency-Key trop long (200 caractères au plus).", 422)
        try:
            body = request.body
        except UnreadablePostError as error:
            return incomplete_body_response(request, error)
        owner = owner_of(principal)
        # /api/v1/x and its alias /api/x are one request
        path = request.path.replace("/api/v1/", "/api/", 1)
        fingerprint = hashlib.sha256(path.encode() + b"\n" + body).hexdigest()
        with transaction.atomic():
            previous = self.previous(owner, key)
            if previous is not None:
                return self.replay(previous, fingerprint, caller_key(request))
            try:
                record = self.claim(owner, key, fingerprint)
            except IntegrityError:  # a request with this key committed while we waited for it
                return self.replay(
                    IdempotencyRecord.objects.get(owner=owner, key=key), fingerprint, caller_key(request)
                )
            except OperationalError:
                if connection.vendor != "postgresql":
                    raise
                return _refusal(
                    "Une requête avec cette clé d'idempotence est en cours de traitement depuis plus de "
                    f"{request_timeout()} s ; réessayez plus tard.",
                    409,
                    "idempotency_in_progress",
                )
            response = self.get_response(request)
            if response.status_code >= 500 or response.status_code in NOT_STORED:
                transaction.set_rollback(True)  # nothing stored: the retry runs
                return response
            record.status = response.status_code
            record.content_type = response.get("Content-Type", "application/json")
            record.body = response.content
            if getattr(request, "sons_confidential", False):  # kept encrypted, for its caller only
                record.caller = caller_key(request)
                record.body = fernet().encrypt(record.body)
            record.save(update_fields=["status", "body", "content_type", "caller"])
        return response

    @staticmethod
    def previous(owner: str, key: str) -> IdempotencyRecord | None:
        """The committed record of this key, unless expired; an unfinished one older than the request's
        timeout (left by an older version that committed keys apart from their request) is released."""
        record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is None:
            return None
        now = timezone.now()
        stale = record.status is None and record.created_at < now - timedelta(seconds=request_timeout())
        if stale or record.created_at < now - retention():
            record.delete()
            return None
        return record

    @staticmethod
    def claim(owner: str, key: str, fingerprint: str) -> IdempotencyRecord:
        """Insert the key's record; a concurrent request with the same key makes this wait for its outcome."""
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{request_timeout()}s'")
            record = IdempotencyRecord.objects.create(owner=owner, key=key, fingerprint=fingerprint)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = DEFAULT")
        return record

    @staticmethod
    def replay(record: IdempotencyRecord, fingerprint: str, caller: str) -> HttpResponse:
        if record.status is None:
            return _refusal(
                "Une requête avec cette clé d'idempotence est en cours de traitement.",
                409,
                "idempotency_in_progress",
            )
        if record.fingerprint != fingerprint:
            return _refusal(
                "Cette clé d'idempotence a déjà servi pour une autre requête.", 422, "idempotency_reused"
            )
        if record.caller and record.caller != caller:
            return _refusal(
                "Cette clé d'idempotence a déjà servi à un autre membre de l'organisation pour une réponse "
                "confidentielle, qui n'est rendue qu'à lui ; choisissez une autre clé.",
                422,
                "idempotency_reused",
            )
        try:
            body = fernet().decrypt(bytes(record.body)) if record.caller else bytes(record.body)
        except InvalidToken:  # its key was dropped from SONS_WEBHOOK_SECRET_KEYS within the 24 h
            return _refusal(
                "La réponse confidentielle gardée sous cette clé d'idempotence n'est plus lisible ; choisissez "
                "une autre clé.",
                422,
                "idempotency_reused",
            )
        response = HttpResponse(body, status=record.status, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response

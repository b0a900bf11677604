"""Idempotency-Key on API POSTs: the first answer is stored and replayed to any retry with the same key."""

import hashlib

from django.db import IntegrityError, transaction
from django.http import JsonResponse

from .models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"


def owner_of(request) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


class JsonErrorsMiddleware:
    """Under /api/ even Django's own 404 and 405 answers are JSON in French."""

    MESSAGES = {
        400: "Requête invalide ou trop volumineuse (16 Mo au plus).",
        404: "Introuvable.",
        405: "Méthode non autorisée pour cette adresse.",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in self.MESSAGES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = JsonResponse(
                {"message": self.MESSAGES[response.status_code]}, status=response.status_code
            )
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        owner = owner_of(request)
        if owner is None:
            return self.get_response(request)  # unauthenticated: the view answers 401
        if len(key) > 200:
            return JsonResponse({"message": "En-tête Idempotency-Key trop long (200 caractères au plus).",
                                 "field": "Idempotency-Key"}, status=422)  # fmt: skip
        fingerprint = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(owner=owner, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return self.replay(owner, key, fingerprint)
        response = self.get_response(request)
        if response.status_code >= 500:
            record.delete()
        else:
            record.status = response.status_code
            record.body = response.content
            record.content_type = response.get("Content-Type", "application/json")
            record.save(update_fields=["status", "body", "content_type"])
        return response

    @staticmethod
    def replay(owner: str, key: str, fingerprint: str):
        from django.http import HttpResponse

        record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is None or record.status is None:
            return JsonResponse({"message": "Une requête avec cette clé d'idempotence est en cours de traitement.",
                                 "field": "Idempotency-Key"}, status=409)  # fmt: skip
        if record.fingerprint != fingerprint:
            return JsonResponse({"message": "Cette clé d'idempotence a déjà servi pour une autre requête.",
                                 "field": "Idempotency-Key"}, status=422)  # fmt: skip
        response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response

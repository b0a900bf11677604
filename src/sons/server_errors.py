"""What a request that failed on the server gets: never a traceback, never an English page.

Django calls `server_error` (config.urls.handler500) inside its `except` block, so `sys.exc_info()` still
holds the exception:
- the database unreachable or restarting (connection lost, lock timeout, SQLite busy): 503 with Retry-After.
  Every API write runs in one transaction (sons.api.middleware), so such a request wrote nothing and the
  client may send it again (with the same Idempotency-Key);
- anything else: 500.
Under /api/ the answer is JSON in French, elsewhere an HTML page; both carry the request id, which the log
line carries too, so that an operator finds the traceback a user quotes.
"""

from __future__ import annotations

import logging
import sys
import uuid

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("sons.errors")

RETRYABLE = (OperationalError, InterfaceError)


def request_id_of(request) -> str:
    """The request's id (set by the request-id middleware when installed); one is made up otherwise."""
    request_id = getattr(request, "request_id", None)
    if not request_id:
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
    return request_id


def retry_after() -> int:
    return int(getattr(settings, "SONS_RETRY_AFTER_SECONDS", 5))


def is_retryable(error: BaseException | None) -> bool:
    return isinstance(error, RETRYABLE)


def api_unavailable(request) -> JsonResponse:
    request_id = request_id_of(request)
    response = JsonResponse(
        {
            "message": "Base de données momentanément indisponible : rien n'a été enregistré. "
            f"Réessayez dans {retry_after()} secondes, avec la même clé d'idempotence.",
            "request_id": request_id,
        },
        status=503,
    )
    return _headers(response, request_id, unavailable=True)


def api_failure(request) -> JsonResponse:
    request_id = request_id_of(request)
    response = JsonResponse(
        {
            "message": "Erreur interne du service. L'incident est enregistré sous la référence "
            f"{request_id} ; rien n'a été enregistré.",
            "request_id": request_id,
        },
        status=500,
    )
    return _headers(response, request_id)


def server_error(request, *args, **kwargs) -> HttpResponse:
    """handler500: 503 for a retryable database failure, 500 otherwise; JSON under /api/."""
    error = sys.exc_info()[1]
    request_id = request_id_of(request)
    retryable = is_retryable(error)
    logger.error(
        "%s %s : %s (requête %s)",
        request.method,
        request.path,
        "base de données indisponible, 503" if retryable else "erreur interne, 500",
        request_id,
        exc_info=error is not None,
        extra={"request_id": request_id, "status_code": 503 if retryable else 500},
    )
    if request.path.startswith("/api/"):
        return api_unavailable(request) if retryable else api_failure(request)
    template = "503.html" if retryable else "500.html"
    body = loader.render_to_string(template, {"request_id": request_id, "retry_after": retry_after()})
    response = HttpResponse(body, status=503 if retryable else 500)
    return _headers(response, request_id, unavailable=retryable)


def _headers(response: HttpResponse, request_id: str, unavailable: bool = False) -> HttpResponse:
    response["X-Request-ID"] = request_id
    if unavailable:
        response["Retry-After"] = str(retry_after())
    return response

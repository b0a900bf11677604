"""The API's HTTP guards, around every view:

- `ExactBodyMiddleware` (every request): a body shorter than its Content-Length (a client cut off halfway)
  is refused whole instead of being read as a complete, shorter request;
- `JsonErrorsMiddleware`: under /api/, Django's own 400, 404 and 405 answers are JSON in French;
- `AtomicWritesMiddleware`: every API write request runs in one transaction with its Idempotency-Key record,
  so a request that fails, or whose worker or database connection dies, leaves nothing behind.
"""

from __future__ import annotations

from django.db import transaction
from django.http import JsonResponse, UnreadablePostError

from sons.server_errors import request_id_of

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class IncompleteBody(UnreadablePostError):
    """The connection ended before the announced Content-Length was read."""


class _ExactStream:
    """The request's stream, which refuses to end before `expected` bytes."""

    def __init__(self, stream, expected: int):
        self.stream, self.remaining = stream, expected

    def read(self, size: int = -1) -> bytes:
        want = self.remaining if size is None or size < 0 else min(size, self.remaining)
        chunks, got = [], 0
        while got < want:
            data = self.stream.read(want - got)
            if not data:
                break
            chunks.append(data)
            got += len(data)
        self.remaining -= got
        if got < want:
            raise IncompleteBody(
                f"Corps de la requête incomplet : {self.remaining} octet(s) manquant(s) sur ceux annoncés "
                "par Content-Length. Rien n'a été enregistré ; renvoyez la requête entière."
            )
        return b"".join(chunks)

    def readline(self, size: int = -1) -> bytes:
        line = self.stream.readline(size) if size is not None and size >= 0 else self.stream.readline()
        self.remaining -= len(line)
        if not line and self.remaining > 0:
            raise IncompleteBody("Corps de la requête incomplet.")
        return line

    def __iter__(self):
        while line := self.readline():
            yield line

    def __getattr__(self, name):
        return getattr(self.stream, name)


def incomplete_body_response(request, error: Exception) -> JsonResponse:
    message = str(error) if isinstance(error, IncompleteBody) else (
        "Corps de la requête incomplet : la connexion a été coupée avant la fin de l'envoi. "
        "Rien n'a été enregistré ; renvoyez la requête entière."
    )  # fmt: skip
    response = JsonResponse(
        {
            "code": "malformed_request",
            "message": message,
            "field": "corps",
            "request_id": request_id_of(request),
        },
        status=400,
    )
    response["X-Request-ID"] = request_id_of(request)
    return response


class ExactBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            expected = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            expected = 0
        stream = getattr(request, "_stream", None)
        if expected > 0 and stream is not None:
            request._stream = _ExactStream(stream, expected)
        return self.get_response(request)


class JsonErrorsMiddleware:
    """Under /api/ even Django's own 400, 404 and 405 answers are JSON in French."""

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


class AtomicWritesMiddleware:
    """An API write commits whole or not at all: the record of its Idempotency-Key, the change and the audit
    entries together. A 5xx answer rolls everything back, so a client told to retry (503) wrote nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

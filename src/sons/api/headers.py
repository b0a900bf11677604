"""What every answer under /api/ carries, whichever view, middleware or handler produced it
(`ApiHeadersMiddleware`, near the top of the chain):

- versioning: `/api/v1/` is the API; the former paths under `/api/` are aliases of the same views, announced
  as deprecated on each answer (`Deprecation`, RFC 9745; `Sunset`, RFC 8594; `Link` to the successor);
- throttling per token (`RateLimit-Policy` and `RateLimit` on every answer, draft-ietf-httpapi-ratelimit-
  headers; 429 `rate_limited` with `Retry-After` past the quota). The count is kept in each server process
  (a fixed window of SONS_API_RATE_WINDOW seconds): with N processes a token may reach N times the quota
  in the worst case; the quota is a protection against runaway clients, not a contract to the unit;
- errors: every error body is JSON with a stable `code` (sons.errors.CODES), a French `message`, the `field`
  at fault (null for the request as a whole) and the `request_id` (also the `X-Request-ID` header); a 401
  carries `WWW-Authenticate`. Producers that name their code keep it; the others get the status's.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import lru_cache

import orjson
from django.conf import settings
from django.http import JsonResponse

from sons.errors import CODE_OF_STATUS
from sons.server_errors import request_id_of

PREFIX = "/api/"
CURRENT = "/api/v1/"
BINARY = "application/octet-stream"


def rate_quota() -> tuple[int, int]:
    return int(getattr(settings, "SONS_API_RATE_LIMIT", 1200)), int(
        getattr(settings, "SONS_API_RATE_WINDOW", 60)
    )


def sunset_headers() -> tuple[str, str]:
    """(Deprecation, Sunset) of the unversioned paths, from SONS_API_DEPRECATED_ON and SONS_API_SUNSET_ON."""
    return _sunset_headers(
        getattr(settings, "SONS_API_DEPRECATED_ON", "2026-12-01"),
        getattr(settings, "SONS_API_SUNSET_ON", "2027-06-30"),
    )


@lru_cache(maxsize=4)
def _sunset_headers(deprecated_on: str, sunset_on: str) -> tuple[str, str]:
    deprecated, sunset = date.fromisoformat(deprecated_on), date.fromisoformat(sunset_on)
    as_time = datetime(deprecated.year, deprecated.month, deprecated.day, tzinfo=UTC)
    sunset_time = datetime(sunset.year, sunset.month, sunset.day, tzinfo=UTC)
    return f"@{int(as_time.timestamp())}", format_datetime(sunset_time, usegmt=True)


class Window:
    """Fixed-window counters, per caller, in this process."""

    def __init__(self):
        self.counts: dict[str, tuple[int, int]] = {}

    def hit(self, key: str, quota: int, window: int) -> tuple[int, int]:
        """Counts one request; returns (remaining, seconds to the window's end); remaining < 0: refused."""
        now = time.monotonic()
        current = int(now // window)
        started, count = self.counts.get(key, (current, 0))
        if started != current:
            count = 0
            if len(self.counts) > 50_000:
                self.counts.clear()
        count += 1
        self.counts[key] = (current, count)
        reset = max(1, int((current + 1) * window - now + 0.999))
        return quota - count, reset


WINDOW = Window()


def caller_key(request) -> str:
    """Whose quota: the bearer token's (hashed: no key is kept in memory), else the session's, else the
    address's."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization[:7].lower() == "bearer ":
        return "t:" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:32]
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session:
        return "s:" + hashlib.sha256(session.encode()).hexdigest()[:32]
    return "a:" + request.META.get("REMOTE_ADDR", "")


def error_body(response, request_id: str) -> bytes | None:
    """The error body completed with code, field and request_id; None if it is not a JSON object."""
    if response.streaming:
        return None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict):
        return None
    status = response.status_code
    if not body.get("code"):
        body["code"] = CODE_OF_STATUS.get(status, "conflict_state" if status < 500 else "server_error")
    body.setdefault("field", None)
    if body.get("errors") is None:
        body.pop("errors", None)  # a view's ErrorOut with no list: no « errors »
    body["request_id"] = request_id
    return orjson.dumps(body)


class ApiHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not path.startswith(PREFIX):
            return self.get_response(request)
        quota, window = rate_quota()
        remaining, reset = WINDOW.hit(caller_key(request), quota, window)
        if remaining < 0:
            response = JsonResponse(
                {"code": "rate_limited", "field": None,
                 "message": f"Trop de requêtes pour ce jeton : {quota} par {window} s au plus. Réessayez dans "
                 f"{reset} s (en-tête Retry-After).", "request_id": request_id_of(request)},
                status=429,
            )  # fmt: skip
            response["Retry-After"] = str(reset)
        else:
            response = self.get_response(request)
        response["RateLimit-Policy"] = f'"jeton";q={quota};w={window}'
        response["RateLimit"] = f'"jeton";r={max(0, remaining)};t={reset}'
        if not path.startswith(CURRENT):
            deprecation, sunset = sunset_headers()
            response["Deprecation"] = deprecation
            response["Sunset"] = sunset
            response["Link"] = f'<{CURRENT}{path[len(PREFIX) :]}>; rel="successor-version"'
        status = response.status_code
        content_type = response.get("Content-Type", "")
        # a file asked for as plain bytes (a generated client knows no other binary type)
        if (
            status == 200
            and request.META.get("HTTP_ACCEPT") == BINARY
            and not content_type.startswith("application/json")
        ):
            response["Content-Type"] = BINARY
        if status >= 400 and response.get("Content-Type", "").startswith("application/json"):
            request_id = request_id_of(request)
            content = error_body(response, request_id)
            if content is not None:
                response.content = content
                if response.has_header("Content-Length"):  # set by an inner middleware for the former body
                    response["Content-Length"] = str(len(content))
            response["X-Request-ID"] = request_id
        if status == 401 and not response.has_header("WWW-Authenticate"):
            given = request.META.get("HTTP_AUTHORIZATION", "")
            response["WWW-Authenticate"] = (
                'Bearer realm="SONS", error="invalid_token"' if given else 'Bearer realm="SONS"'
            )
        return response

"""What an operator sees of a running SONS: a request id on every request and log line, logs as JSON in
production, 500s logged with their traceback, Sentry with personal data scrubbed, health and readiness.

- `RequestIdMiddleware` takes a sane incoming `X-Request-ID` (from the TLS proxy) or makes one, and puts it
  on `request.request_id`, in the context variable `request_id_var` (read by `RequestIdFilter` for every log
  record of the request) and on the response's `X-Request-ID` header.
- `RequestIdFilter` adds `request_id` to every log record ("-" outside a request).
- `scrub` / `before_send`: what leaves for Sentry carries no RPPS, FINESS, IBAN, e-mail or person's name.
- `logging_config(json)`: the LOGGING setting of every environment.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

HEADER = "X-Request-ID"
# A proxy's id is kept when it is short and plain (letters, digits, « - _ . : »): it is logged verbatim.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the chain, so that every later log line of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# Personal data that must not leave for an error tracker. RPPS (11 digits) and FINESS (9 digits) are
# caught as runs of digits; IBANs with or without spaces; e-mail addresses; names under the keys that
# hold them (first_name, last_name, name, username, …).
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
DIGIT_RUNS = re.compile(r"(?<!\d)\d{9,11}(?!\d)")
NAME_KEYS = re.compile(
    r"(^|_)(first_?name|last_?name|full_?name|name|username|label|author|actor|client|nom|prenom|email|iban|bic|rpps|finess)s?$",
    re.IGNORECASE,
)
REDACTED = "[retiré]"


def scrub_text(text: str) -> str:
    text = EMAIL.sub(REDACTED, text)
    text = IBAN.sub(REDACTED, text)
    return DIGIT_RUNS.sub(REDACTED, text)


# Sentry's own bookkeeping, which must reach it unchanged.
KEPT_KEYS = frozenset(
    {"event_id", "timestamp", "start_timestamp", "release", "environment", "sdk", "platform"}
)


def scrub(value, key: str = ""):
    """`value` with personal data replaced, recursively (dicts, lists, tuples, strings)."""
    if key in KEPT_KEYS:
        return value
    if key and NAME_KEYS.search(key) and isinstance(value, str | int) and value not in ("", None):
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    return value


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Sentry's hook: the whole event scrubbed (messages, exception values, frames' variables, request)."""
    return scrub(event)


def init_sentry(dsn: str, environment: str = "production", release: str | None = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration()],  # personal data is not sent by default, and before_send scrubs
        before_send=before_send,
        traces_sample_rate=0.0,
    )


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to whatever `sys.stderr` is when it writes: a test runner swaps (and closes)
    the stream it captured, and a handler bound to it at configuration time would then fail on every line."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def logging_config(json: bool, level: str = "INFO") -> dict:
    """One line per event on stderr: JSON in production (read by journald or the platform), text in dev.
    Django's `django.request` logger records every 500 with its traceback."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "sons.observability.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "sons.observability.StderrHandler",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR", "propagate": True},
            "django.security": {"level": "WARNING", "propagate": True},
            "django.db.backends": {"level": "WARNING", "propagate": True},
        },
    }

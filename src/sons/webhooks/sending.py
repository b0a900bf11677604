"""One HTTP attempt, cut off hard: 10 s in all (connection, sending, headers and body together), 64 KB of
answer at most, no redirect followed. Whatever goes wrong is an `Outcome` (a failure), never an exception.

The connection is made to an address `safety.check` has just resolved and checked, with the host name in the
Host header and in TLS (SNI and certificate verification), so the checked address is the one called.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from .safety import Target

USER_AGENT = "SONS-Webhooks/1 (+https://www.standardwebhooks.com)"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None  # the HTTP status, None when no answer came
    kind: str  # AttemptKind's value
    error: str  # French, for the delivery log ("" when ok)
    duration_ms: int
    answer: str  # the first bytes of the answer, for the log


class _Connection(http.client.HTTPConnection):
    """To the checked addresses only (each in turn until one answers), the host name kept for Host and TLS."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses
        self.scheme = target.scheme

    def connect(self):
        failure = None
        for address in self.addresses:
            try:
                self.sock = socket.create_connection((address, self.port), self.timeout)
                break
            except OSError as error:
                failure = error
        else:
            raise failure or OSError("aucune adresse")
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.scheme == "https":
            context = ssl.create_default_context(cafile=settings.SONS_WEBHOOK_CA_FILE or None)
            self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


class _Cutoff:
    """Shuts the connection's socket down when the time is up, whatever call is blocked on it."""

    def __init__(self, connection: _Connection, seconds: float):
        self.connection, self.fired = connection, False
        self.timer = threading.Timer(seconds, self.fire)
        self.timer.daemon = True

    def fire(self):
        self.fired = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()


def post(target: Target, headers: dict[str, str], body: bytes) -> Outcome:
    timeout = settings.SONS_WEBHOOK_TIMEOUT_SECONDS
    limit = settings.SONS_WEBHOOK_MAX_ANSWER_BYTES
    started = time.monotonic()

    def outcome(ok, status, kind, error="", answer=b""):
        duration = int((time.monotonic() - started) * 1000)
        return Outcome(ok, status, kind, error, duration, answer[:500].decode("utf-8", "replace"))

    connection = _Connection(target, timeout)
    cutoff = _Cutoff(connection, timeout)
    status = None
    try:
        with cutoff:
            connection.request("POST", target.path, body=body, headers={
                **headers, "content-type": "application/json", "user-agent": USER_AGENT,
            })  # fmt: skip
            response = connection.getresponse()
            status = response.status
            answer = response.read(limit + 1)
            if len(answer) > limit:
                return outcome(
                    False, status, "too_large", f"réponse de plus de {limit // 1024} Ko : coupée", answer
                )
            if cutoff.fired:
                raise TimeoutError
        if 200 <= status < 300:
            return outcome(True, status, "ok", answer=answer)
        if 300 <= status < 400:
            where = response.getheader("location", "")
            return outcome(False, status, "redirect", f"redirection non suivie ({where[:200]})", answer)
        return outcome(False, status, "http_error", f"réponse HTTP {status}", answer)
    except TimeoutError:
        return outcome(False, status, "timeout", f"pas de réponse complète en {timeout:g} s : coupée")
    except ssl.SSLError as error:
        return outcome(False, status, "tls_error", f"échec TLS : {error.reason or error}")
    except (OSError, http.client.HTTPException) as error:
        if cutoff.fired:
            return outcome(False, status, "timeout", f"pas de réponse complète en {timeout:g} s : coupée")
        return outcome(
            False, status, "connection_error", f"échec de connexion : {type(error).__name__} {error}"[:300]
        )
    finally:
        connection.close()

"""HTTP load for bench/bench_api.py, with the standard library only (http.client and threads).

Every request goes to 127.0.0.1; each client thread keeps its own connection (http.client reopens it by
itself when the server closes it, as gunicorn's sync workers do after each response). Requests are never
retried: a POST that fails is counted as an error, never sent twice. Everything is bounded in count (the
bodies given) and in time (a deadline after which no new request starts).
"""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


class Client:
    """One keep-alive connection (when the server allows it) with the bearer token."""

    def __init__(self, port: int, key: str, timeout: float):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        try:
            try:
                self.connection.request("POST", path, body=body, headers=self.headers)
            except (BrokenPipeError, ConnectionResetError):
                # The server may have answered early (a body too large) and closed: read that answer.
                response = self.connection.getresponse()
                return response.status, response.read()
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise

    def close(self) -> None:
        self.connection.close()


def get_status(port: int, path: str, timeout: float = 2.0) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@dataclass
class Outcome:
    """One request: when it started (relative to the run's start), how long it took, what came back."""

    started: float
    seconds: float
    status: int  # 0: no HTTP answer (connection error, timeout)
    body: bytes = b""
    error: str = ""


@dataclass
class Run:
    wall: float
    outcomes: list[Outcome] = field(default_factory=list)
    not_sent: int = 0  # bodies left when the deadline passed

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return dict(sorted(counts.items()))


def _send_all(port: int, key: str, path: str, bodies: list[bytes], timeout: float, deadline: float,
              start: float, outcomes: list[Outcome], lock: threading.Lock, take) -> None:  # fmt: skip
    client = Client(port, key, timeout)
    try:
        while time.perf_counter() < deadline:
            index = take()
            if index is None:
                return
            begin = time.perf_counter()
            try:
                status, body = client.post(path, bodies[index])
                error = ""
            except (OSError, http.client.HTTPException) as exc:
                status, body, error = 0, b"", f"{type(exc).__name__}: {exc}"
            outcome = Outcome(begin - start, time.perf_counter() - begin, status, body, error)
            with lock:
                outcomes.append(outcome)
    finally:
        client.close()


def shared_queue(count: int):
    """Hands out 0 … count-1 once each to whichever thread asks first."""
    lock = threading.Lock()
    state = {"next": 0}

    def take() -> int | None:
        with lock:
            index = state["next"]
            if index >= count:
                return None
            state["next"] = index + 1
            return index

    return take


def own_queue(indexes: list[int]):
    """Hands out the given indexes in order, to one thread."""
    iterator = iter(indexes)
    return lambda: next(iterator, None)


def run(port: int, key: str, path: str, bodies: list[bytes], *, clients: int, per_client: bool,
        timeout: float, max_seconds: float) -> Run:  # fmt: skip
    """Sends every body once with `clients` threads. per_client: thread i sends bodies i, i+clients, …
    one after the other (a closed loop of independent clients); otherwise the threads share one queue."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    if per_client:
        takers = [own_queue(list(range(i, len(bodies), clients))) for i in range(clients)]
    else:
        shared = shared_queue(len(bodies))
        takers = [shared] * clients
    start = time.perf_counter()
    deadline = start + max_seconds
    threads = [
        threading.Thread(
            target=_send_all,
            args=(port, key, path, bodies, timeout, deadline, start, outcomes, lock, take),
            daemon=True,
        )
        for take in takers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + timeout + 5)
    wall = time.perf_counter() - start
    with lock:
        done = sorted(outcomes, key=lambda outcome: outcome.started)
    return Run(wall=wall, outcomes=done, not_sent=len(bodies) - len(done))


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the value below which `fraction` of the values lie)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def encode(document) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()

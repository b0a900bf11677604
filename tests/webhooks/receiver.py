"""A real HTTP receiver on 127.0.0.1 (a thread of the test's process), answering from a script, keeping every
request it got: what a supplier's software would run, and what each test inspects.

    with Receiver([500, 500, 500, 200]) as receiver:      # three failures, then success (then 200 for ever)
        ...
        assert len(receiver.requests) == 4

With `tls=(certificate, key)`, it serves https on « localhost ». An answer is a status code, or one of: "slow" (waits `pause` s, then 200), "drip" (headers, then one byte of body
every 0.2 s for `pause` s), "redirect" (302 to `location`), "huge" (200 with 1 MB of body), "hang" (waits for
ever, i.e. until the receiver stops).
"""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes
    at: float = field(default_factory=time.time)


class Receiver:
    def __init__(self, answers=(), *, then=200, pause: float = 3.0, location: str = "http://127.0.0.1:9/",
                 tls: tuple[str, str] | None = None):  # fmt: skip
        self.answers, self.then, self.pause, self.location = list(answers), then, pause, location
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.arrived = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                    answer = receiver.answers.pop(0) if receiver.answers else receiver.then
                    receiver.arrived.notify_all()
                receiver.answer(self, answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.tls = tls
        if tls is not None:  # https with this (certificate, key): see tests/webhooks/tls.py
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        if self.tls is not None:
            return f"https://localhost:{self.port}/webhooks/sons?source=test"
        return f"http://127.0.0.1:{self.port}/webhooks/sons?source=test"

    def answer(self, handler, answer) -> None:
        def send(status: int, body: bytes = b"{}", **headers):
            handler.send_response(status)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(body)))
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)

        try:
            if answer == "slow":
                self.stopping.wait(self.pause)
                send(200)
            elif answer == "hang":
                self.stopping.wait()
            elif answer == "redirect":
                send(302, b"", location=self.location)
            elif answer == "huge":
                send(200, b"x" * 1_000_000)
            elif answer == "drip":
                handler.send_response(200)
                handler.send_header("content-length", "100000")
                handler.end_headers()
                deadline = time.monotonic() + self.pause
                while time.monotonic() < deadline and not self.stopping.is_set():
                    handler.wfile.write(b"x")
                    handler.wfile.flush()
                    time.sleep(0.2)
            else:
                send(int(answer))
        except OSError:
            pass  # the sender cut the connection off

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(
                    f"{len(self.requests)} requête(s) reçue(s) au lieu de {count} en {timeout} s"
                )
            return list(self.requests)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

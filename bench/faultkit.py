"""The tools of the fault-injection suite (bench/faults.py) and of the fault tests (tests/faults): a real
gunicorn on 127.0.0.1, its workers killed with SIGKILL, the application's PostgreSQL connections cut with
pg_terminate_backend, requests cut halfway on a raw socket, process trees read from /proc.

Everything runs on loopback; every wait is bounded in time. Processes are stopped by their own pid only.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SETTINGS = "bench.settings_faults"


def environment(database_url: str, application_name: str, **extra: str) -> dict[str, str]:
    """The environment of a server or command of the suite: its database, its settings, its connection name
    (PGAPPNAME, so that its PostgreSQL connections can be found and cut)."""
    env = dict(os.environ)
    env.pop("SONS_TEST_DATABASE_URL", None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PGAPPNAME": application_name,
            **extra,
        }
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces and parentheses; the last ")" ends it.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rfind(")") + 2 :].split()[0] != "Z"


def wait_until(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Server:
    """gunicorn serving config.wsgi on a free port of 127.0.0.1, with `workers` sync workers."""

    def __init__(self, database_url: str, *, workers: int = 2, timeout: int = 30, name: str = "sons-faults",
                 extra_env: dict | None = None):  # fmt: skip
        self.database_url, self.workers, self.timeout, self.name = database_url, workers, timeout, name
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="sons-faults-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen | None = None

    def start(self, ready_within: float = 60.0) -> Server:
        command = [
            str(BIN / "gunicorn"), "config.wsgi:application", "--workers", str(self.workers),
            "--bind", f"{HOST}:{self.port}", "--timeout", str(self.timeout), "--graceful-timeout", "2",
            "--log-level", "warning",
        ]  # fmt: skip
        env = environment(self.database_url, self.name, **self.extra_env)
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        if not wait_until(self.ready, ready_within, 0.2):
            self.stop()
            raise RuntimeError(f"gunicorn ne répond pas après {ready_within:.0f} s :\n{self.tail()}")
        return self

    def ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté :\n{self.tail()}")
        try:
            return (
                request(self.port, "GET", "/api/dossiers", timeout=2)[0] == 401
                and len(self.worker_pids()) == self.workers
            )
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def kill_worker(self, pid: int | None = None) -> int:
        """SIGKILL to one worker (the first, or `pid`); gunicorn's master starts a new one."""
        pid = pid or self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 30.0) -> tuple[int, dict, bytes]:  # fmt: skip
    """(status, headers, body) of one request on a fresh connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def post_json(port: int, path: str, document, key: str, idempotency_key: str | None = None,
              timeout: float = 30.0, content_type: str = "application/json") -> tuple[int, dict, bytes]:  # fmt: skip
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": content_type}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return request(port, "POST", path, body, headers, timeout)


def post_cut(port: int, path: str, body: bytes, key: str, idempotency_key: str, sent: int,
             content_type: str = "application/x-ndjson", wait: float = 5.0) -> bytes:  # fmt: skip
    """Announces the whole body, sends its first `sent` bytes and closes the connection (a client killed
    halfway); returns whatever the server answered before the close was seen (usually nothing)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: {content_type}\r\nIdempotency-Key: {idempotency_key}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((HOST, port), timeout=wait) as sock:
        sock.sendall(head + body[:sent])
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return answer


def admin(database_url: str) -> psycopg.Connection:
    return psycopg.connect(database_url, autocommit=True)


def terminate_backends(database_url: str, application_name: str) -> int:
    """pg_terminate_backend on every connection of `application_name` to the database: what the application
    sees of a PostgreSQL restart (its connections cut), without stopping the server other people use."""
    with admin(database_url) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            [application_name],
        ).fetchall()
    return sum(1 for (done,) in rows if done)


def backends(database_url: str, application_name: str) -> int:
    with admin(database_url) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [application_name],
        ).fetchone()[0]


def database_url_of(settings_dict: dict) -> str:
    """A postgres:// URL from Django's settings of a connection (the test database, in tests)."""
    user, host = settings_dict.get("USER") or "postgres", settings_dict.get("HOST") or "127.0.0.1"
    port, password = settings_dict.get("PORT") or 5432, settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}" if password else user
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"

"""Processes around a queue database: workers, the scheduler, `run_all`, and helper calls, all with the
settings of the tests pointed at one database that every process shares (a migrated SQLite file, or the
PostgreSQL test database)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAST = {"SONS_JOBS_BEAT_SECONDS": "0.3", "SONS_JOBS_STALE_SECONDS": "2"}
ON_POSTGRES = bool(os.environ.get("SONS_TEST_DATABASE_URL"))


class QueueWorld:
    def __init__(self, database_url: str, workdir: Path):
        self.database_url = database_url
        self.workdir = workdir
        self.processes: list[subprocess.Popen] = []
        self.logs: list = []

    @property
    def env(self) -> dict:
        return {
            **os.environ, **FAST,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "SONS_TEST_DATABASE_URL": self.database_url,
            # The caller's path kept after the root (bench/api_world.environment's idiom): a checkout run with
            # PYTHONPATH=src has its processes import its own sources, not the shared virtualenv's install.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        }  # fmt: skip

    def call(self, function: str, *args, timeout: float = 120):
        """`tests.jobs.probe.<function>(*args)` in a process of its own; its JSON result."""
        code = (
            "import json, sys, django; django.setup(); from tests.jobs import probe; "
            f"print(json.dumps(probe.{function}(*json.loads(sys.argv[1]))))"
        )
        done = subprocess.run([sys.executable, "-c", code, json.dumps(args)], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, *command: str, log: str) -> subprocess.Popen:
        out = open(self.workdir / log, "ab")  # noqa: SIM115  (closed by stop_all)
        self.logs.append(out)
        process = subprocess.Popen([sys.executable, "manage.py", *command], env=self.env, cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.processes.append(process)
        return process

    def worker(self, name: str = "worker") -> subprocess.Popen:
        return self.start("worker", "--interval", "0.05", log=f"{name}.log")

    def wait_for(self, condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.1)
        logs = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in self.workdir.glob("*.log"))
        raise AssertionError(f"{what} : toujours pas au bout de {timeout} s\n{logs}")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for out in self.logs:
            out.close()


def migrated_sqlite(template_dir: Path) -> Path:
    """A migrated SQLite file, made once per session (migrating takes seconds)."""
    template = template_dir / "template.sqlite3"
    if not template.exists():
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
               "SONS_TEST_DATABASE_URL": f"sqlite:///{template}"}  # fmt: skip
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run([sys.executable, "manage.py", *command], env=env, cwd=ROOT, check=True)
    return template


def sqlite_copy(template: Path, target: Path) -> str:
    shutil.copy(template, target)
    return f"sqlite:///{target}"

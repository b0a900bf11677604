"""Where the machine's CPU goes during a phase of bench/bench_api.py (Linux /proc, read only).

Three groups: the gunicorn server (the master and its workers), the PostgreSQL processes that serve the
benchmark (the backends connected to its database, and the shared background processes: WAL writer,
checkpointer…), and this process (the load generator); plus the machine's overall occupation from
/proc/stat, the rest of which is "other processes" (another test run on the same machine, …).

A thread reads /proc every half second and keeps, per process, the CPU time used since the phase began:
a PostgreSQL backend that ends during the phase (Django reopens its connection after CONN_MAX_AGE) keeps
what it used until its last reading, instead of vanishing from the sum.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
# A client backend's title: "postgres: 15/main: <user> <database> <host>(<port>) <state>".
BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")


def _serves(pid: int, database: str) -> bool:
    """Whether a PostgreSQL process works for `database`: its backend, or a shared background process."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    match = BACKEND.match(raw.replace(b"\0", b" ").decode(errors="replace").strip())
    return match is None or match.group(1) == database


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a process, or None if it has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class Usage:
    """CPU seconds used by each group during a phase, and the machine's occupation."""

    wall: float
    server: float
    postgres: float
    client: float
    busy: float  # fraction of all cores

    @property
    def others(self) -> float:
        """CPU seconds used by every other process of the machine (another test run, …)."""
        return max(0.0, self.busy * self.wall * CORES - self.server - self.postgres - self.client)

    def describe(self, requests: int = 0, unit: str = "requête") -> str:
        text = (
            f"CPU : serveur {self.server:.1f} s, PostgreSQL {self.postgres:.1f} s, client {self.client:.1f} s, "
            f"autres processus {self.others:.1f} s, sur {self.wall:.1f} s × {CORES} cœurs "
            f"(machine occupée à {self.busy * 100:.0f} %)"
        )
        if self.others > 0.1 * self.wall * CORES:
            text += " ! perturbé par d'autres processus"
        if requests:

            def per(seconds: float) -> float:
                return seconds / requests * 1000

            text += (
                f" ; par {unit} : serveur {per(self.server):.2f} ms, PostgreSQL {per(self.postgres):.2f} ms, "
                f"client {per(self.client):.2f} ms"
            )
        return text


class Meter:
    """with Meter(server_pid, database) as meter: … ; then meter.usage."""

    def __init__(self, server_pid: int | None, database: str, interval: float = 0.5):
        self.server_pid, self.database, self.interval = server_pid, database, interval
        self.first: dict[int, float] = {}  # pid → CPU seconds at its first reading
        self.last: dict[int, tuple[str, float]] = {}  # pid → (group, CPU seconds at its last reading)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.usage: Usage | None = None

    def _group(self, pid: int, name: str, parent: int) -> str | None:
        if self.server_pid is not None and (pid == self.server_pid or parent == self.server_pid):
            return "server"
        if (name == "postgres" or name.startswith("postgres:")) and _serves(pid, self.database):
            return "postgres"
        return None

    def _read(self, starting: bool) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            stat = _stat(pid)
            if stat is None:
                continue
            name, parent, seconds = stat
            known = self.last.get(pid)
            if known is None:
                group = self._group(pid, name, parent)
                if group is None:
                    continue
                # Present at the start: counted from there; born during the phase: counted from zero.
                self.first[pid] = seconds if starting else 0.0
            else:
                group = known[0]
            self.last[pid] = (group, seconds)

    def _loop(self) -> None:
        while not self.stopping.wait(self.interval):
            self._read(starting=False)

    def __enter__(self) -> Meter:
        self.machine = _machine()
        self.times = os.times()
        self.start = time.perf_counter()
        self._read(starting=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()
        self._read(starting=False)
        wall = time.perf_counter() - self.start
        busy, total = _machine()
        times = os.times()
        used = {"server": 0.0, "postgres": 0.0}
        for pid, (group, seconds) in self.last.items():
            used[group] += seconds - self.first[pid]
        self.usage = Usage(
            wall=wall,
            server=used["server"],
            postgres=used["postgres"],
            client=(times.user + times.system) - (self.times.user + self.times.system),
            busy=(busy - self.machine[0]) / (total - self.machine[1]) if total > self.machine[1] else 0.0,
        )


def idle_check(seconds: float = 2.0) -> Usage:
    """The machine's occupation before a measure (another process would skew the figures)."""
    with Meter(None, "-", interval=seconds) as meter:
        time.sleep(seconds)
    return meter.usage

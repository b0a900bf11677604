"""`sons import rpps` on a 2 000 000-line extract against the bare tools, in the same run.

    .venv/bin/python bench/bench_import.py [ROWS]        (default 2 000 000)

SQLite: the sqlite3 shell's `.import` of the file into a bare 52-column table, then `sons import rpps --apply`
into a freshly migrated database. PostgreSQL: `psql \\copy` of the file into a bare table, then the same import.
Peak memory is the largest resident size of the import process.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432/"
DB_NAME = "sons_import_bench" + os.environ.get("SONS_BENCH_DB_SUFFIX", "")
# `sons` and manage.py run in production settings unless told otherwise: a benchmark is a developer's run.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
sys.path.insert(0, str(ROOT / "src"))

from sons.directory.imports.rpps_format import COLUMNS  # noqa: E402


def timed(command: list[str], env: dict | None = None, stdin: str | None = None) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, input=stdin, text=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    return elapsed, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def bare_columns() -> str:
    return ", ".join(f"c{i} text" for i in range(len(COLUMNS) + 1))


def main() -> None:
    # `sons` and manage.py default to the production settings: the bench runs with the development ones.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    extract = folder / f"PS_LibreAcces_Personne_activite_{rows}.txt"
    if not extract.exists():
        subprocess.run([str(BIN / "sons"), "gen", "rpps", "--rows", str(rows), str(extract)], check=True)
    size = extract.stat().st_size / 1e6
    print(f"extrait : {rows} lignes, {size:.0f} Mo")
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.sqlite3"
        script = (
            f"CREATE TABLE t ({bare_columns()});\n.mode list\n.separator |\n.import --skip 1 {extract} t\n"
        )
        shell, _ = timed(["sqlite3", str(bare)], stdin=script)
        database = Path(tmp) / "sons.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{database}"
        subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        ours, peak = timed([str(BIN / "sons"), "import", "rpps", str(extract), "--apply"], env=env)
        print(f"SQLite : sqlite3 .import {shell:.1f} s ; sons import rpps {ours:.1f} s ({ours / shell:.2f}×) ; "
              f"pic mémoire {peak / 1024:.0f} Mo")  # fmt: skip
    subprocess.run(["psql", PG + "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
    subprocess.run(["psql", PG + "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)
    try:
        url = PG + DB_NAME
        subprocess.run(["psql", url, "-qc", f"CREATE TABLE bare ({bare_columns()})"], check=True)
        copy = f"\\copy bare FROM '{extract}' WITH (FORMAT text, DELIMITER '|', HEADER true)"
        bare_copy, _ = timed(["psql", url, "-qc", copy])
        env["DATABASE_URL"] = url
        subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        ours, peak = timed([str(BIN / "sons"), "import", "rpps", str(extract), "--apply"], env=env)
        print(f"PostgreSQL : \\copy {bare_copy:.1f} s ; sons import rpps {ours:.1f} s ({ours / bare_copy:.2f}×) ; "
              f"pic mémoire {peak / 1024:.0f} Mo")  # fmt: skip
    finally:
        subprocess.run(["psql", PG + "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=False)


if __name__ == "__main__":
    main()

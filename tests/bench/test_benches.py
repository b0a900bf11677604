"""Every benchmark of bench/ runs here at a tiny size, so that none of them rots between two measures.

The figures are meaningless at this size; what is checked is that each script runs to its end and reports
its usual summary. The PostgreSQL benchmarks run in the PostgreSQL pass of `make test`, each in databases
of its own (SONS_BENCH_DB_SUFFIX), the evaluation benchmark in the SQLite pass.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = bool(os.environ.get("SONS_TEST_DATABASE_URL"))
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="banc PostgreSQL : passe PostgreSQL de make test")


def run_bench(script: str, *args: str, timeout: int = 300) -> str:
    env = {**os.environ, "SONS_BENCH_DB_SUFFIX": f"_tiny{os.getpid()}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, f"{script} a échoué :\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.skipif(ON_POSTGRES, reason="sans base : passe SQLite de make test")
def test_bench_evaluate():
    assert "dossiers/s" in run_bench("bench_evaluate.py", "300")


@pytest.mark.skipif(ON_POSTGRES, reason="sans base : passe SQLite de make test")
def test_bench_rules_versions():
    assert "rapport" in run_bench("bench_rules_versions.py", "HEAD", "60", "1")


@postgres_only
def test_bench_api():
    out = run_bench(
        "bench_api.py", "--professionals", "600", "--preload", "50", "--bulk-total", "100", "--bulk-sizes", "50",
        "--clients", "2", "--single-total", "20", "--wait-quiet", "0", "--max-seconds", "60",
    )  # fmt: skip
    assert "tous les dépôts enregistrés et vérifiés : oui" in out


@postgres_only
def test_bench_import():
    out = run_bench("bench_import.py", "2000")
    assert "sons import rpps" in out and "PostgreSQL" in out


@postgres_only
def test_bench_export():
    out = run_bench("bench_export.py", "--dossiers", "200")
    assert "csv" in out.lower() and "xlsx" in out.lower()


@postgres_only
def test_bench_pages():
    out = run_bench("bench_pages.py", "--dossiers", "200", "--runs", "1")
    assert "ms" in out


@postgres_only
def test_bench_notify():
    out = run_bench("bench_notify.py", "--changes", "30")
    assert "perdus : 0" in out and "événements/s" in out


@postgres_only
def test_bench_faults():
    """The fault suite at a tiny size (4 clients for 6 s, 20 000-line extracts): its verdict must be clean."""
    out = run_bench("faults.py", "--quick", "--seconds", "6", "--clients", "4", timeout=600)
    assert "Bilan : aucune écriture acquittée perdue" in out, out


@postgres_only
def test_bench_notifications():
    out = run_bench("bench_notifications.py", "--changes", "20", "--emails")
    assert "perdus : 0 ;" in out and "événements/s" in out and "p95" in out, out
    assert "20 reçus sur 20" in out, out


@postgres_only
def test_bench_request_path():
    out = run_bench("bench_request_path.py", "--requests", "4")
    assert "coût des événements" in out and "livraisons de webhook en attente : 0" in out, out

"""Time `sons evaluate --batch` on generated dossiers and check that memory stays flat in N.

    .venv/bin/python bench/bench_evaluate.py [N ...]      (default: 50000 250000)

For each N: generates var/bench/dossiers-N.jsonl once (bench/gen_dossiers.py), then runs the batch
three times with its output to /dev/null and reports the best wall time, the rate and the peak
resident memory of the largest process (the parent and its workers are reported separately).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def dataset(count: int) -> Path:
    path = ROOT / "var" / "bench" / f"dossiers-{count}.jsonl"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_dossiers.py"), str(count), str(path)], check=True
        )
    return path


def run_once(path: Path) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run([str(BIN / "sons"), "evaluate", "--batch", str(path)], stdout=sink, check=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def main() -> None:
    counts = [int(arg) for arg in sys.argv[1:]] or [50_000, 250_000]
    print(f"machine : {os.cpu_count()} cœurs ; Python {sys.version.split()[0]}")
    for count in counts:
        path = dataset(count)
        runs = [run_once(path) for _ in range(3)]
        best = min(elapsed for elapsed, _ in runs)
        peak_kb = max(peak for _, peak in runs)
        print(
            f"{count:>8} dossiers : meilleur temps {best:6.2f} s, {count / best:8,.0f} dossiers/s, "
            f"pic mémoire par processus {peak_kb / 1024:5.0f} Mo".replace(",", " ")
        )


if __name__ == "__main__":
    main()

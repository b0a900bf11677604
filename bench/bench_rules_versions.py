"""Compare the rules of two revisions on the batch path, in one process, on a shared machine.

    .venv/bin/python bench/bench_rules_versions.py REVISION [N] [ROUNDS]

REVISION is a git revision (`main`, a commit); it is compared with the working tree. Both versions of
`src/sons/rules` are loaded side by side (as two packages, each reading its own parameters) and run on
the same N dossiers of var/bench/dossiers-N.jsonl (bench/gen_dossiers.py), alternately in chunks of
200: parse (the batch's generated parser), evaluate, result to JSON. The CPU time of each is summed over
ROUNDS passes. Alternating in small chunks cancels the load of the other processes of a shared machine,
which makes `bench_evaluate.py`'s wall times swing by a factor of two; the ratio is what to read.
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from contextlib import suppress
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 200


def extract(revision: str | None, into: Path, name: str) -> Path:
    """`src/sons/rules` of `revision` (None: the working tree) as the package `name` under `into`."""
    target = into / name
    if revision is None:
        subprocess.run(["cp", "-r", str(ROOT / "src/sons/rules"), str(target)], check=True)
        return target
    archive = subprocess.run(
        ["git", "archive", revision, "src/sons/rules"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into / "_archive", filter="data")
    (into / "_archive/src/sons/rules").rename(target)
    return target


def load(folder: Path, name: str):
    """The package `name`, reading its own parameter files (not the installed package's)."""
    params = importlib.import_module(f"{name}.params")

    def own_files() -> dict[str, dict]:
        files = sorted((folder / "parameters").glob("*.toml"))
        return {path.name: tomllib.loads(path.read_text(encoding="utf-8")) for path in files}

    params.raw_parameter_files = own_files
    engine = importlib.import_module(f"{name}.engine")
    fastparse = importlib.import_module(f"{name}.fastparse")
    return fastparse.parse_dossier_fast, engine.evaluate


def runner(parse, evaluate):
    def run(documents):
        for document in documents:
            with suppress(ValueError):  # InvalidDossier, one line in a thousand
                orjson.dumps(evaluate(parse(document)).as_dict(), default=str)

    return run


def dataset(count: int) -> list:
    path = ROOT / "var" / "bench" / f"dossiers-{count}.jsonl"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_dossiers.py"), str(count), str(path)], check=True
        )
    documents = []
    with path.open("rb") as lines:
        for line in lines:
            with suppress(orjson.JSONDecodeError):
                documents.append(orjson.loads(line))
    return documents


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    revision = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    documents = dataset(count)
    chunks = [documents[i : i + CHUNK] for i in range(0, len(documents), CHUNK)]
    with tempfile.TemporaryDirectory(prefix="sons-rules-versions-") as tmp:
        folder = Path(tmp)
        before = extract(revision, folder, "rules_before")
        after = extract(None, folder, "rules_after")
        sys.path.insert(0, str(folder))
        old, new = runner(*load(before, "rules_before")), runner(*load(after, "rules_after"))
        old(documents[:CHUNK])
        new(documents[:CHUNK])
        spent_old = spent_new = 0.0
        for _ in range(rounds):
            for chunk in chunks:
                start = time.process_time()
                old(chunk)
                spent_old += time.process_time() - start
                start = time.process_time()
                new(chunk)
                spent_new += time.process_time() - start
    per = len(documents) * rounds / 1e6
    print(
        f"{len(documents)} dossiers × {rounds} : {revision} {spent_old / per:.1f} µs/dossier, "
        f"copie de travail {spent_new / per:.1f} µs/dossier, rapport {spent_new / spent_old:.3f}"
    )


if __name__ == "__main__":
    main()

"""docs/tutoriel-api.md stays true: its `bash` blocks, then its `python` blocks, run as written against a live
test server, with the variables the reader sets (SONS_URL, SONS_TOKEN, RPPS, RPPS_2)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sons.dossiers.models import Dossier

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutoriel-api.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    return [code for lang, code in BLOCK.findall(TUTORIAL.read_text(encoding="utf-8")) if lang == language]


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="curl et jq requis")
def test_the_tutorial_runs_as_written(live_server, world, tmp_path):
    assert len(blocks("bash")) >= 6 and len(blocks("python")) >= 2
    env = {
        **os.environ,
        "SONS_URL": live_server.url,
        "SONS_TOKEN": world.supplier.headers["Authorization"].removeprefix("Bearer "),
        "RPPS": world.professionals[0].rpps,
        "RPPS_2": world.professionals[1].rpps,
    }
    script = "set -euo pipefail\n" + "\n".join(blocks("bash"))
    shell = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120, check=False)  # fmt: skip
    assert shell.returncode == 0, shell.stdout + shell.stderr
    assert "décision : admissible, financé : 270.00 €" in shell.stdout
    assert "%PDF" in shell.stdout
    assert Dossier.objects.get().supplier_reference == "CMD-TUTO-1"
    python = subprocess.run([sys.executable, "-c", "\n".join(blocks("python"))], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert python.returncode == 0, python.stdout + python.stderr
    assert "déposé : Demande d'avance déposée" in python.stdout
    assert sorted(Dossier.objects.values_list("supplier_reference", flat=True)) == [
        "CMD-TUTO-1",
        "CMD-TUTO-2",
    ]

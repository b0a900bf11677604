"""Every file of examples/ is one dossier for both doors: the simulator evaluates it, and the API takes it as a
filing's body (dry run: nothing stored) — one contract (sons.rules.contract), no second format."""

import json
from pathlib import Path

import pytest

from sons.dossiers.models import Dossier
from sons.simulator import evaluate_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_an_example_is_accepted_by_the_simulator_and_the_api(path, world):
    raw = path.read_bytes()
    document = json.loads(raw)
    assert evaluate_json(raw).decision == path.name.split("--")[0]
    assert document["solution_version_id"] == 1  # the demo's first version (make run)
    body = {**document, "solution_version_id": world.version.pk}  # this test's version
    response = world.supplier.post("/dossiers?dry_run=true", body)
    assert response.status_code == 200, response.json()
    assert not Dossier.objects.exists()

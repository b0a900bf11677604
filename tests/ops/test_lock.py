"""The lock files hold every dependency pinned in pyproject.toml at the same version, with hashes: an install
from them (make install, deploy/release.sh) is the one the tests ran with."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pinned(lock: Path) -> dict[str, str]:
    text = lock.read_text()
    assert "--hash=sha256:" in text
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, re.MULTILINE)}


def declared(requirements: list[str]) -> dict[str, str]:
    found = {}
    for requirement in requirements:
        name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^ ;]+)", requirement).groups()
        found[name.lower().replace("_", "-")] = version
    return found


def test_every_pinned_dependency_is_locked_at_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = declared(project["dependencies"])
    development = declared(project["optional-dependencies"]["dev"])
    production = pinned(ROOT / "requirements.lock")
    assert {name: production.get(name) for name in runtime} == runtime
    assert not set(development) - set(runtime) & set(production), "no development tool in production"
    everything = pinned(ROOT / "requirements-dev.lock")
    assert {name: everything.get(name) for name in runtime | development} == runtime | development

"""Independent acceptance tests of the SONS SFP-LGC-Va2 simulator, written from the AF only.

Every JSON file in ``cases/`` is a dossier with the expectations derived by hand from the AF;
every file in ``calendar/`` is a Date 0 with the dates of Section 2 computed by hand.
Only the keys present in ``expect`` are checked (see README.md).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.json"))
CALENDAR = sorted((HERE / "calendar").glob("*.json"))


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _params(paths):
    params = []
    for path in paths:
        reason = _load(path).get("ambiguous")
        marks = [pytest.mark.xfail(strict=False, reason=f"AF ambiguë : {reason}")] if reason else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


def _sons(*args):
    script = Path(sys.executable).with_name("sons")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sons.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, check=False)


def _section_matches(wanted, got):
    """``wanted`` may list alternatives ("4.4|6.4"); "5" also accepts "5.1", "5.3"..."""
    return any(got == alt or got.startswith(alt + ".") for alt in wanted.split("|"))


def _mismatches(expect, result):
    errors = []
    if "decision" in expect and result.get("decision") != expect["decision"]:
        errors.append(f"decision: attendu {expect['decision']!r}, obtenu {result.get('decision')!r}")
    amounts = result.get("amounts") or {}
    for key, value in expect.get("amounts", {}).items():
        if amounts.get(key) != value:
            errors.append(f"amounts.{key}: attendu {value!r}, obtenu {amounts.get(key)!r}")
    blocking = [f.get("section") for f in result.get("findings", []) if f.get("severity") == "blocking"]
    for wanted in expect.get("blocking_sections", []):
        if not any(_section_matches(wanted, str(got)) for got in blocking):
            errors.append(f"aucun constat bloquant en §{wanted} (bloquants : {blocking})")
    if expect.get("no_blocking") and blocking:
        errors.append(f"constats bloquants inattendus : {blocking}")
    warnings = [f.get("section") for f in result.get("findings", []) if f.get("severity") == "warning"]
    for wanted in expect.get("warning_sections", []):
        if not any(_section_matches(wanted, str(got)) for got in warnings):
            errors.append(f"aucun avertissement en §{wanted} (avertissements : {warnings})")
    # The contract does not name the keys of "deadlines": a calendar key ("date_4") is checked as is
    # when the result has it, otherwise the expected date must be one of the deadline dates.
    deadlines = result.get("deadlines") or {}
    for key, value in expect.get("deadlines", {}).items():
        found = deadlines[key] == value if key in deadlines else value in deadlines.values()
        if not found:
            errors.append(f"deadlines.{key}: attendu {value!r}, obtenu {deadlines}")
    return errors


@pytest.mark.parametrize("path", _params(CASES))
def test_case(path, tmp_path):
    case = _load(path)
    expect = case["expect"]
    dossier = tmp_path / "dossier.json"
    dossier.write_text(json.dumps(case["dossier"], ensure_ascii=False), encoding="utf-8")
    run = _sons("evaluate", "--json", str(dossier))

    if "exit_code" in expect:
        assert run.returncode == expect["exit_code"], f"code {run.returncode}\n{run.stdout}\n{run.stderr}"
        assert run.stderr.strip(), "aucun message sur stderr"
        assert "Traceback" not in run.stderr, run.stderr
        mention = expect.get("stderr_mentions")
        assert not mention or mention.lower() in run.stderr.lower(), f"{mention!r} absent de : {run.stderr}"
        return

    assert run.returncode != 2, f"dossier refusé comme entrée invalide :\n{run.stderr}"
    try:
        result = json.loads(run.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"sortie non JSON (code {run.returncode}) :\n{run.stdout}\n{run.stderr}")
    errors = _mismatches(expect, result)
    assert not errors, f"{case['name']}\nAF : {case['af']}\n- " + "\n- ".join(errors)


@pytest.mark.parametrize("path", _params(CALENDAR))
def test_calendar(path):
    case = _load(path)
    run = _sons("calendar", "--json", "--date-0", case["date_0"])
    assert run.returncode == 0, run.stderr
    dates = json.loads(run.stdout)["dates"]
    errors = [
        f"{k}: attendu {v}, obtenu {dates.get(k)}" for k, v in case["expect"].items() if dates.get(k) != v
    ]
    assert not errors, f"{case['name']}\n- " + "\n- ".join(errors)

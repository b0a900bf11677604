"""The `sons` command: the simulator contract, its French errors (exit 2, field path) and the batch."""

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from sons.batch import run_batch
from sons.cli import main
from tests.factories import balance_request, dossier

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def sons(capsys, *args, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def write(tmp_path):
    def write_file(data, name="dossier.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)

    return write_file


def test_there_is_an_example_for_each_decision():
    decisions = {path.name.split("--")[0] for path in EXAMPLES}
    assert decisions == {"admissible", "admissible_subject_to_referencing", "not_admissible"}
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_gives_the_outcome_its_name_says(capsys, path):
    code, out, err = sons(capsys, "evaluate", "--json", str(path))
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["decision"] == path.name.split("--")[0]
    assert result["dispositif"] == "SFP-LGC-Va2"
    assert set(result) >= {
        "dispositif",
        "request",
        "evaluated_on",
        "decision",
        "amounts",
        "findings",
        "deadlines",
    }
    assert set(result["amounts"]) >= {"cap", "financed", "advance", "balance"}
    for finding in result["findings"]:
        assert set(finding) >= {"rule", "section", "severity", "message", "facts"}
        assert finding["severity"] in {"blocking", "warning", "info"}


def test_contract_output_of_the_baseline(capsys, write):
    code, out, _ = sons(capsys, "evaluate", "--json", write(dossier()))
    result = json.loads(out)
    assert code == 0
    assert result["amounts"] == {
        "cap": "270.00", "financed": "270.00", "advance": "108.00", "balance": "162.00", "cap_column": "ttc_20",
    }  # fmt: skip
    assert result["evaluated_on"] == "2026-09-01"
    assert result["deadlines"]["advance_request_until"] == "2027-10-15"
    assert "trace" not in result


def test_explain_adds_every_rule_with_its_outcome(capsys, write):
    code, out, _ = sons(capsys, "evaluate", "--json", "--explain", write(dossier()))
    trace = json.loads(out)["trace"]
    assert code == 0
    assert len(trace) >= 35
    assert {entry["outcome"] for entry in trace} <= {
        "passed",
        "failed",
        "not_applicable",
        "unknown",
        "computed",
    }
    assert all(entry["section"] and entry["rule"] for entry in trace)


def test_text_explanation_is_french(capsys, write):
    code, out, _ = sons(capsys, "evaluate", "--explain", write(dossier(client__practice="salaried")))
    assert code == 0
    assert "Décision : Non recevable" in out
    assert "[bloquant] §4.2 — Le Client n'exerce pas en cabinet libéral" in out
    assert "Règles évaluées :" in out and "non respectée" in out


def test_reads_standard_input(capsys, monkeypatch):
    code, out, _ = sons(
        capsys, "evaluate", "--json", "-", stdin=json.dumps(dossier()), monkeypatch=monkeypatch
    )
    assert code == 0 and json.loads(out)["decision"] == "admissible"


def with_field(path: str, value):
    data = balance_request()
    target = data
    *parents, leaf = path.split(".")
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is KeyError:
        del target[leaf]
    else:
        target[leaf] = value
    return json.dumps(data)


BAD_INPUTS = [
    ("invalid-json", '{"dispositif": ', "dossier", "JSON invalide"),
    ("not-an-object", "[1, 2]", "dossier", "objet JSON attendu"),
    ("wrong-type", with_field("client.other_orders", "deux"), "client.other_orders", "entier"),
    ("wrong-bool", with_field("order.in_client_name", "oui"), "order.in_client_name", "booléen"),
    ("impossible-date", with_field("order.signed_on", "2026-02-30"), "order.signed_on", "date impossible"),
    ("date-format", with_field("filed_on", "01/09/2026"), "filed_on", "AAAA-MM-JJ"),
    ("bad-rpps-key", with_field("client.rpps", "10001234566"), "client.rpps", "clé de contrôle"),
    ("short-rpps", with_field("client.rpps", "1234"), "client.rpps", "11 chiffres"),
    ("missing-section", with_field("order", KeyError), "order", "manquant"),
    ("null-section", with_field("supplier", None), "supplier", "section manquante"),
    ("missing-balance", with_field("balance", None), "balance", "section manquante"),
    ("bad-enum", with_field("supplier.enrolment", "ok"), "supplier.enrolment", "valeurs admises"),
    ("bad-amount", with_field("order.lines.0.amount", "270,00"), "order.lines[0].amount", "montant"),
    (
        "bad-va-function",
        with_field("balance.va.functions", ["psc_login", "fax"]),
        "balance.va.functions[1]",
        "fax",
    ),
    ("wrong-dispositif", with_field("dispositif", "SFP-LGC-Va1"), "dispositif", "SFP-LGC-Va2"),
    ("before-parameters", with_field("filed_on", "2020-01-01"), "filed_on", "en vigueur"),
]


@pytest.mark.parametrize(
    ("raw", "field", "words"), [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_exits_2_with_a_french_message_naming_the_field(capsys, write, raw, field, words):
    code, out, err = sons(capsys, "evaluate", "--json", write(raw))
    assert code == 2
    assert out == ""
    assert f"champ « {field} »" in err
    assert words in err
    assert "Traceback" not in err


def test_bad_finess_key(capsys, write):
    from tests.factories import centre

    data = centre("A")
    data["client"]["finess_geo"] = "750000011"
    code, _, err = sons(capsys, "evaluate", write(data))
    assert code == 2 and "client.finess_geo" in err


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "/nonexistent/dossier.json"],
        ["evaluate"],
        ["frobnicate"],
        ["calendar", "--date-0", "2025-02-30"],
    ],
    ids=["missing-file", "no-file", "unknown-command", "bad-date-0"],
)
def test_usage_errors_exit_2_in_french(capsys, args):
    code, _, err = sons(capsys, *args)
    assert code == 2
    assert err.startswith("Erreur")
    assert "Traceback" not in err


def test_calendar_json(capsys):
    code, out, _ = sons(capsys, "calendar", "--json", "--date-0", "2025-07-31")
    assert code == 0
    assert json.loads(out) == {
        "dates": {
            "date_0": "2025-07-31", "date_1": "2026-02-28", "date_2": "2027-05-31", "date_3": "2027-08-31",
            "date_4": "2027-11-30", "date_5": "2028-03-31", "date_6": "2028-06-30",
            "order_signature_from": "2026-07-31", "exception_from": "2027-11-15",
        }
    }  # fmt: skip


def test_calendar_text_is_french(capsys):
    code, out, _ = sons(capsys, "calendar", "--date-0", "2025-06-15")
    assert (
        code == 0 and "Date 4 — fin de réception des demandes de financement et d'avance : 15/10/2027" in out
    )


def test_bareme_json_has_the_21_figures(capsys):
    code, out, _ = sons(capsys, "bareme", "--json")
    table = json.loads(out)
    figures = [v for row in table["professionals"].values() for k, v in row.items() if k != "professions"]
    figures += [v for row in table["centres"].values() for v in row.values()]
    assert code == 0 and len(figures) == 21
    assert table["centres"]["D"] == {"ttc_20": "4860.00", "ttc_8_5": "4394.25", "ht": "4050.00"}


def test_bareme_text(capsys):
    code, out, _ = sons(capsys, "bareme")
    assert code == 0 and "1 708,88 €" in out and "Tranche E" in out


def test_schema_describes_the_dossier(capsys):
    code, out, _ = sons(capsys, "schema")
    schema = json.loads(out)
    assert code == 0
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in EXAMPLES:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)
    bad = dossier()
    bad["client"]["kind"] = "hospital"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


# The batch: streamed, in order, every core, a bad line never stops the others.


def batch_lines():
    return [
        json.dumps(dossier()),
        "{not json",
        json.dumps(dossier(client__practice="salaried")),
        "",
        json.dumps(balance_request()),
        json.dumps(dossier(order__signed_on="2026-02-30")),
    ]


def test_batch_streams_one_result_per_line_in_order(capsys, write):
    path = write("\n".join(batch_lines()) + "\n", name="dossiers.jsonl")
    code, out, _ = sons(capsys, "evaluate", "--batch", path, "--workers", "1")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6]
    assert [r.get("decision") for r in results] == [
        "admissible",
        None,
        "not_admissible",
        None,
        "admissible",
        None,
    ]
    assert results[1]["error"]["field"] == "dossier" and "JSON invalide" in results[1]["error"]["message"]
    assert results[3]["error"]["message"] == "ligne vide"
    assert results[5]["error"]["field"] == "order.signed_on"


def test_batch_on_several_processes_keeps_the_order():
    lines = [line.encode() + b"\n" for line in batch_lines()] * 50
    single, multi = io.BytesIO(), io.BytesIO()
    assert run_batch(io.BytesIO(b"".join(lines)), single, workers=1) == 300
    assert run_batch(io.BytesIO(b"".join(lines)), multi, workers=2, chunk_lines=7) == 300
    assert multi.getvalue() == single.getvalue()
    assert [json.loads(line)["line"] for line in multi.getvalue().splitlines()] == list(range(1, 301))


def test_batch_with_explain_carries_the_trace():
    out = io.BytesIO()
    run_batch(io.BytesIO(json.dumps(dossier()).encode() + b"\n"), out, workers=1, explain=True)
    assert "trace" in json.loads(out.getvalue())


def test_installed_console_script_never_prints_a_traceback(tmp_path):
    executable = shutil.which("sons", path=str(Path(sys.executable).parent))
    assert executable, "le script « sons » est installé avec le paquet"
    bad = tmp_path / "bad.json"
    bad.write_text('{"dispositif": "SFP-LGC-Va2", "request": "advance"}', encoding="utf-8")
    result = subprocess.run([executable, "evaluate", str(bad)], capture_output=True, text=True)
    assert result.returncode == 2
    assert "champ « filed_on »" in result.stderr and "Traceback" not in result.stderr


def test_date_0_option_applies_to_dossiers_without_one(capsys, write):
    data = dossier()
    del data["date_0"]
    path = write(data)
    _, default, _ = sons(capsys, "evaluate", "--json", path)
    _, moved, _ = sons(capsys, "evaluate", "--json", "--date-0", "2025-07-31", path)
    assert json.loads(default)["date_0"] == "2025-06-15"
    assert json.loads(moved)["date_0"] == "2025-07-31"
    assert json.loads(moved)["deadlines"]["advance_request_until"] == "2027-11-30"


def test_the_dossier_date_0_wins_over_the_option(capsys, write):
    _, out, _ = sons(capsys, "evaluate", "--json", "--date-0", "2025-07-31", write(dossier()))
    assert json.loads(out)["date_0"] == "2025-06-15"


def test_batch_takes_the_date_0_option(capsys, write):
    data = dossier()
    del data["date_0"]
    path = write(json.dumps(data) + "\n", name="lot.jsonl")
    _, out, _ = sons(capsys, "evaluate", "--batch", path, "--workers", "1", "--date-0", "2025-07-31")
    assert json.loads(out)["date_0"] == "2025-07-31"


def test_a_date_0_whose_calendar_passes_the_year_9999_is_bad_input_not_a_traceback(capsys, write):
    code, out, err = sons(capsys, "calendar", "--date-0", "9999-12-31")
    assert code == 2 and out == "" and "Date 0 hors du calendrier calculable" in err
    code, out, err = sons(capsys, "evaluate", write({**dossier(), "date_0": "9999-12-31"}))
    assert code == 2 and "champ « date_0 »" in err and "Traceback" not in err

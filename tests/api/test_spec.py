"""The published contract as an integrator uses it: /api/v1/openapi.json validates (openapi-spec-validator),
a client generated from it by openapi-python-client (offline, without a warning) works against a live server:
list, file, file in bulk with a bad item, correct a draft then file it, download a model, read a typed error."""

import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from openapi_spec_validator import validate

from sons.dossiers.models import Dossier
from tests import worlds
from tests.documents.pdfs import text_pdf

BIN = Path(sys.executable).parent


@pytest.fixture
def spec(db) -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_spec_validates_and_is_complete(spec):
    validate(spec)
    ids = [operation["operationId"] for _, _, operation in operations(spec)]
    assert len(ids) == len(set(ids)), "operationId en double"
    assert {"file_dossier", "list_dossiers", "file_bulk", "patch_draft", "dossier_model", "batch_sepa",
            "export", "download_document", "recovery_letter", "list_solutions", "eligibility", "file_bulk_lines",
            "replace_draft", "cancel_draft"} <= set(ids)  # fmt: skip
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        assert path.startswith("/api/v1/"), where
        for status in ("401", "404", "422", "429", "500", "503"):
            assert status in operation["responses"], f"{where} : {status} non documenté"
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
        for media in operation.get("requestBody", {}).get("content", {}).values():
            assert "example" in media or "examples" in media, f"{where} : corps sans exemple"
        if method == "post":
            assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"]), where
    error = spec["components"]["schemas"]["ErrorOut"]
    assert {"code", "message", "field", "errors", "request_id"} <= set(error["properties"])
    assert "unknown_field" in error["properties"]["code"]["enum"]
    dossier = spec["components"]["schemas"]["DossierOut"]["properties"]
    assert dossier["state"]["enum"] and "Brouillon" in dossier["state"]["description"]
    amount = spec["components"]["schemas"]["AmountsOut"]["properties"]["paid_advance"]
    assert amount["pattern"] == r"^-?\d+\.\d{2}$"
    assert spec["components"]["schemas"]["TransitionOut"]["properties"]["at"]["format"] == "date-time"
    model = spec["paths"]["/api/v1/dossiers/{dossier_id}/models/{kind}"]["get"]["responses"]["200"]["content"]
    assert model["application/pdf"]["schema"]["format"] == "binary"
    lines = spec["paths"]["/api/v1/dossiers/bulk/lines"]["post"]["requestBody"]
    assert "JSON Lines" in lines["description"] and "application/octet-stream" in lines["content"]


@pytest.fixture
def generated(spec, tmp_path):
    """The client openapi-python-client generates from the spec, imported."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", str(path), "--output-path", str(tmp_path / "client")],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Warning" not in output and "WARNING" not in output, output
    (package,) = [p.parent.name for p in (tmp_path / "client").glob("*/client.py")]
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        yield lambda name: importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def filing(world, rpps=None) -> dict:
    """A filing in the contract's own shape (the other aids under `client`, as the simulator has them)."""
    body = worlds.filing(world, rpps=rpps)
    body["client"]["de_minimis_other_aid"] = body.pop("de_minimis_other_aid")
    return body


def test_a_generated_client_files_corrects_and_downloads(generated, live_server, world):
    key = world.supplier.headers["Authorization"].removeprefix("Bearer ")
    with generated("client").AuthenticatedClient(base_url=live_server.url, token=key) as client:
        smoke(generated, client, world)


def smoke(generated, client, world):
    models, types = generated("models"), generated("types")

    def api(name):
        return generated(f"api.{name}")

    listed = api("dossiers.list_dossiers").sync_detailed(client=client)
    assert listed.status_code == 200 and listed.parsed == []

    # file one
    body = models.FileDossierBody.from_dict(filing(world))
    filed = api("dossiers.file_dossier").sync_detailed(client=client, body=body, idempotency_key="smoke-1")
    assert filed.status_code == 201, filed.content
    assert filed.parsed.decision.value == "admissible", [f.to_dict() for f in filed.parsed.findings]
    assert filed.parsed.amounts.financed == "270.00"

    # the same client again: a typed error with its stable code (a misspelt field cannot even be sent: the
    # generated models know only the contract's fields)
    refused = api("dossiers.file_dossier").sync_detailed(client=client, body=body)
    assert refused.status_code == 409 and refused.parsed.code.value == "client_taken"
    assert refused.parsed.request_id == refused.headers["X-Request-ID"]

    # bulk: a JSON array with a bad item, then the same as JSON Lines
    items = [filing(world, rpps=world.professionals[1].rpps), filing(world, rpps="123")]
    bulk = api("dossiers.file_bulk").sync_detailed(
        client=client, body=[models.FileBulkBodyItem.from_dict(item) for item in items]
    )
    assert bulk.status_code == 200, bulk.content
    assert [i.status.value for i in bulk.parsed.items] == ["filed", "refused"]
    assert bulk.parsed.items[1].error.code.value == "invalid_value"
    lines = "\n".join(json.dumps(filing(world, rpps=p.rpps)) for p in world.professionals[4:6]).encode()
    jsonl = api("dossiers.file_bulk_lines").sync_detailed(
        client=client, body=types.File(payload=io.BytesIO(lines), mime_type="application/x-ndjson")
    )
    assert jsonl.status_code == 200 and jsonl.parsed.filed == 2, jsonl.content

    # a draft, corrected by a merge patch, then filed
    draft_body = models.FileDossierBody.from_dict(filing(world, rpps=world.professionals[2].rpps))
    draft = api("dossiers.file_dossier").sync_detailed(client=client, body=draft_body, draft=True)
    assert draft.status_code == 201 and draft.parsed.state.value == "draft"
    patch = models.PatchDraftBody.from_dict({"supplier_reference": "CMD-SMOKE-1"})
    corrected = api("dossiers.patch_draft").sync_detailed(draft.parsed.id, client=client, body=patch)
    assert corrected.status_code == 200, corrected.content
    assert corrected.parsed.supplier_reference == "CMD-SMOKE-1"
    order = types.File(payload=io.BytesIO(text_pdf("Bon de commande signé", "CMD-SMOKE-1")), file_name="bdc.pdf",
                       mime_type="application/pdf")  # §6.2: the signed order is joined before the filing  # fmt: skip
    kind = models.UploadDocumentMultiPartBodyParamsDocumentKind.ORDER
    body = models.UploadDocumentMultiPartBodyParams(kind=kind, file=order)
    joined = api("dossiers.upload_document").sync_detailed(draft.parsed.id, client=client, body=body)
    assert joined.status_code == 201, joined.content
    done = api("dossiers.file_draft").sync_detailed(draft.parsed.id, client=client)
    assert done.status_code == 200 and done.parsed.state.value == "advance_filed", done.content

    # download the order model to sign
    model = api("documents.dossier_model").sync_detailed(
        filed.parsed.id, models.DossierModelKind.ORDER, client=client
    )
    assert model.status_code == 200 and model.parsed.payload.read().startswith(b"%PDF")
    assert Dossier.objects.count() == 5

"""Filing many dossiers at once, for the API's bulk endpoint and the portal's upload alike: the file is read (a JSON
array, JSON Lines, or the portal's CSV), every declaration is checked, the valid ones are filed together, and each
gets its line in the report."""

from __future__ import annotations

import csv
import io

import orjson

from sons.errors import Invalid
from sons.suppliers.perms import Principal

from . import actions

LIMIT = 10_000  # declarations in one request or file
# The CSV's columns, in the order of the model the portal offers: one order line « Prestation Ségur ».
CSV_COLUMNS = ["rpps", "finess_geo", "solution_version_id", "issued_on", "signed_on", "signature", "amount",
               "vat_rate", "in_client_name", "mention_state_funded", "mention_conditional_referencing",
               "centre_certificate_commitment", "de_minimis_other_aid"]  # fmt: skip


def read_json(raw: bytes) -> list:
    """A JSON array of declarations, or one per line (JSON Lines); an empty line reads as null."""
    raw = raw.strip()
    try:
        if raw.startswith(b"["):
            documents = orjson.loads(raw)
        else:
            documents = [orjson.loads(line) if line.strip() else None for line in raw.splitlines()]
    except orjson.JSONDecodeError as error:
        raise Invalid(f"JSON invalide (ligne {error.lineno}, colonne {error.colno}).", "corps") from None
    return documents if isinstance(documents, list) else [documents]


def read_file(raw: bytes, name: str) -> list:
    """An uploaded file: CSV (`;`, UTF-8) when its name ends in .csv, else JSON or JSON Lines."""
    try:
        text = raw.decode("utf-8-sig")
        if name.lower().endswith(".csv"):
            return [csv_document(row) for row in csv.DictReader(io.StringIO(text), delimiter=";")]
        stripped = text.strip()
        if stripped.startswith("["):
            return orjson.loads(stripped)
        return [orjson.loads(line) for line in stripped.splitlines() if line.strip()]
    except (UnicodeDecodeError, orjson.JSONDecodeError, csv.Error) as error:
        raise Invalid(
            f"Fichier illisible : {error}. JSON, JSON Lines ou CSV UTF-8 attendu.", "file"
        ) from None


def checked_count(documents: list, field: str, where: str = "la requête") -> list:
    """Refused when `where` (the request, the file) holds no declaration or more than LIMIT."""
    if not documents:
        raise Invalid(f"Aucun dossier dans {where}.", field)
    if len(documents) > LIMIT:
        raise Invalid(f"Au plus {LIMIT} dossiers dans {where}.", field)
    return documents


def _bool(value: str | None):
    value = (value or "").strip().lower()
    return {"oui": True, "true": True, "1": True, "non": False, "false": False, "0": False}.get(value)


def csv_document(row: dict) -> dict:
    """A CSV line as a declaration (decimal commas accepted)."""

    def get(name):
        return (row.get(name) or "").strip() or None

    client = {"finess_geo": get("finess_geo")} if get("finess_geo") else {"rpps": get("rpps")}
    order = {
        "in_client_name": _bool(get("in_client_name")), "issued_on": get("issued_on"),
        "signed_on": get("signed_on"), "signature": get("signature"),
        "lines": [{"label": "Prestation Ségur", "amount": (get("amount") or "").replace(",", ".") or None}],
        "vat_rate": get("vat_rate"), "mention_state_funded": _bool(get("mention_state_funded")),
        "mention_conditional_referencing": _bool(get("mention_conditional_referencing")),
        "centre_certificate_commitment": _bool(get("centre_certificate_commitment")),
    }  # fmt: skip
    aid = get("de_minimis_other_aid")
    client["de_minimis_other_aid"] = aid.replace(",", ".") if aid else None
    version = get("solution_version_id")
    return {"client": client, "solution_version_id": int(version) if version and version.isdigit() else version,
            "order": order}  # fmt: skip


def file_documents(principal: Principal, documents: list, *, draft: bool = False) -> list[dict]:
    """One item per document, in order: `refused` with a French error naming the field, or filed (or drafted)."""
    report = []
    for index, result in enumerate(actions.file_many(principal, documents, draft=draft)):
        if result.error:
            report.append({"index": index, "status": "refused",
                           "error": {"message": result.error.message, "field": result.error.field}})  # fmt: skip
        else:
            dossier = result.dossier
            report.append({"index": index, "status": "draft" if draft else "filed", "id": dossier.pk,
                           "state": dossier.state, "decision": dossier.decision})  # fmt: skip
    return report

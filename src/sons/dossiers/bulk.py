"""Filing many dossiers at once, for the API's bulk endpoint and the portal's upload alike.

The file (a JSON array, JSON Lines, or the portal's CSV) is read one declaration at a time, each with the line
it starts on: a line that is not JSON, or not a valid declaration, is refused alone with its true line number
and the others are filed. Declarations are counted before any is parsed into objects (JSON Lines and CSV by
their lines; an array by a first pass that keeps nothing): more than LIMIT is refused without building them.
They are then filed CHUNK at a time, so that memory does not grow with the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import orjson

from sons.errors import Invalid
from sons.suppliers.perms import Principal

from . import actions

LIMIT = 10_000  # declarations in one request or file
CHUNK = 500  # declarations parsed and filed together
# The CSV's columns, in the order of the model the portal offers: one order line « Prestation Ségur ». The last
# two are optional (a file without them is read as before): the supplier's own reference, and a centre's other
# signing centres (§4.2), « FINESS:montant[:oui|non] » separated by « | »: each centre has its order line and
# amount (the line's `amount` is then the main centre's); without « :oui|non », a centre takes the line's
# centre_certificate_commitment (§4.3).
MAX_CENTRES = 100  # other centres on one CSV line (a centre's order names a handful)
CSV_COLUMNS = ["rpps", "finess_geo", "solution_version_id", "issued_on", "signed_on", "signature", "amount",
               "vat_rate", "in_client_name", "mention_state_funded", "mention_conditional_referencing",
               "centre_certificate_commitment", "de_minimis_other_aid", "supplier_reference",
               "additional_centres"]  # fmt: skip
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


@dataclass
class Entry:
    """One declaration of a file: where it starts, and either the document read or why it could not be."""

    line: int
    document: object = None
    error: Invalid | None = None


def _text(raw: bytes, field: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise Invalid(f"Encodage invalide (UTF-8 attendu), ligne {line}.", field) from None


def _lines(text: str, blank: bool = False) -> Iterator[tuple[int, str]]:
    """The non-blank lines with their numbers, one slice at a time (io.StringIO would copy the whole text,
    four bytes a character)."""
    start, number = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        number += 1
        line = text[start:end]
        if blank or line.strip():
            yield number, line
        start = end


def _json_lines(text: str) -> Iterator[Entry]:
    for number, line in _lines(text):
        try:
            yield Entry(number, orjson.loads(line))
        except orjson.JSONDecodeError:
            message = f"Ligne {number} : JSON invalide (colonne {_column(line)})."
            yield Entry(number, error=Invalid(message, "corps"))


def _column(line: str) -> int:
    """Where the standard parser (whose positions are exact) stops reading a line that is not JSON."""
    try:
        json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        return error.colno
    return 1


def _array(text: str, field: str) -> Iterator[Entry]:
    """The array's elements one by one (json.raw_decode), each with the line it starts on. A syntax error
    leaves nothing readable after it: the file is refused there, with its line and column."""
    position, line, counted = text.index("[") + 1, 1, 0

    def skip(position: int) -> int:
        while position < len(text) and text[position] in _SPACE:
            position += 1
        return position

    def refuse(at: int):
        row = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        return Invalid(f"JSON invalide (ligne {row}, colonne {column}).", field)

    position = skip(position)
    if position < len(text) and text[position] == "]":
        return
    while True:
        line += text.count("\n", counted, position)
        counted = position
        try:
            document, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise refuse(error.pos) from None
        yield Entry(line, document)
        position = skip(position)
        if position < len(text) and text[position] == ",":
            position = skip(position + 1)
            continue
        if position < len(text) and text[position] == "]" and not text[skip(position + 1) :]:
            return
        raise refuse(position)


def json_entries(raw: bytes, field: str = "corps") -> tuple[int, Iterator[Entry]]:
    """How many declarations a JSON array or JSON Lines body holds, and the declarations one by one."""
    text = _text(raw, field)
    if text.lstrip().startswith("["):
        count = sum(1 for _ in islice(_array(text, field), LIMIT + 1))  # keeps nothing: memory stays flat
        return count, _array(text, field)
    return sum(1 for _ in islice(_lines(text), LIMIT + 1)), _json_lines(text)


# The csv module's messages (English), as the report says them.
CSV_ERRORS = {
    "line contains NUL": "caractère nul (NUL) dans la ligne",
    "field larger than field limit": "champ trop long",
    "new-line character seen in unquoted field": "retour à la ligne dans un champ sans guillemets",
    "unexpected end of data": "fin de fichier inattendue (guillemet non refermé)",
    "',' expected after '\"'": "séparateur attendu après un guillemet fermant",
    "';' expected after '\"'": "« ; » attendu après un guillemet fermant",
}


def csv_error_fr(error: csv.Error) -> str:
    text = str(error)
    return next((french for english, french in CSV_ERRORS.items() if text.startswith(english)),
                "ligne mal formée (guillemets, séparateur « ; »)")  # fmt: skip


def csv_entries(raw: bytes, field: str = "file") -> tuple[int, Iterator[Entry]]:
    text = _text(raw, field)

    def rows() -> Iterator[Entry]:
        reader = csv.DictReader((line for _, line in _lines(text, blank=True)), delimiter=";")
        try:
            for row in reader:
                if any((value or "").strip() for value in row.values() if isinstance(value, str)):
                    try:
                        yield Entry(reader.line_num, csv_document(row))
                    except Invalid as refused:  # this line only: the others are read and filed
                        yield Entry(reader.line_num, error=refused)
        except csv.Error as error:
            raise Invalid(f"CSV illisible, ligne {reader.line_num} : {csv_error_fr(error)}.", field) from None

    count = sum(1 for _ in islice(rows(), LIMIT + 1))  # a malformed line refuses the file before any filing
    return count, rows()


def file_entries(raw: bytes, name: str) -> tuple[int, Iterator[Entry]]:
    """An uploaded file: CSV (`;`, UTF-8) when its name ends in .csv, else JSON or JSON Lines."""
    if name.lower().endswith(".csv"):
        return csv_entries(raw, "file")
    return json_entries(raw, "file")


def checked_count(count: int, field: str, where: str = "la requête") -> int:
    """Refused when `where` (the request, the file) holds no declaration or more than LIMIT."""
    if not count:
        raise Invalid(f"Aucun dossier dans {where}.", field)
    if count > LIMIT:
        raise Invalid(f"Au plus {LIMIT} dossiers dans {where}.", field)
    return count


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
    if get("additional_centres"):
        if not client.get("finess_geo"):
            raise Invalid(
                "additional_centres : plusieurs centres ne se commandent que pour un centre de santé (colonne "
                "finess_geo).",
                "client.additional_centres",
            )
        centres = _centres(get("additional_centres"), order["centre_certificate_commitment"])
        order["lines"][0]["finess_geo"] = client["finess_geo"]
        order["lines"] += [{"label": "Prestation Ségur", "finess_geo": finess, "amount": amount}
                           for finess, amount, _ in centres]  # fmt: skip
        client["additional_centres"] = [{"finess_geo": finess, "certificate_commitment": committed}
                                        for finess, _, committed in centres]  # fmt: skip
    version = get("solution_version_id")
    document = {"client": client, "order": order,
                "solution_version_id": int(version) if version and version.isdigit() else version}  # fmt: skip
    if get("supplier_reference"):
        document["supplier_reference"] = get("supplier_reference")
    return document


def _centres(cell: str, commitment) -> list[tuple]:
    """« 750000024:1890,00:oui|750000032:2970,00 » as (FINESS, amount, commitment) of each other centre; the
    declaration's checks then say what is wrong with one, naming it (client.additional_centres[i].finess_geo,
    order.lines[i].amount)."""
    items = cell.split("|", MAX_CENTRES)
    if len(items) > MAX_CENTRES:
        raise Invalid(
            f"additional_centres : {MAX_CENTRES} centres au plus sur une ligne.", "client.additional_centres"
        )
    centres = []
    for index, item in enumerate(items):
        parts = [part.strip() for part in item.split(":", 3)]
        if len(parts) > 3:
            raise Invalid(f"additional_centres, centre {index + 1} : « FINESS:montant[:oui|non] » attendu, reçu "
                          f"« {item.strip()[:60]} ».", f"client.additional_centres[{index}]")  # fmt: skip
        finess, amount, committed = [*parts, "", ""][:3]
        if committed and _bool(committed) is None:
            raise Invalid(f"additional_centres, centre {index + 1} : « oui » ou « non » attendu après le montant, "
                          f"reçu « {committed[:20]} ».", f"client.additional_centres[{index}].certificate_commitment")  # fmt: skip
        centres.append((finess or None, amount.replace(",", ".") or None,
                        _bool(committed) if committed else commitment))  # fmt: skip
    return centres


def file_entries_in_chunks(
    principal: Principal, entries: Iterable[Entry], *, draft: bool = False
) -> list[dict]:
    """One item per declaration, in order, with its index and line: `refused` with a French error naming the
    field, or filed (or drafted)."""
    report, index = [], 0
    entries = iter(entries)
    while chunk := list(islice(entries, CHUNK)):
        readable = [entry for entry in chunk if entry.error is None]
        results = iter(actions.file_many(principal, [entry.document for entry in readable], draft=draft))
        for entry in chunk:
            error = entry.error
            result = None if error else next(results)
            error = error or result.error
            item = {"index": index, "line": entry.line}
            if error:
                item |= {
                    "status": "refused",
                    "error": {
                        "code": getattr(error, "code", "invalid_value"),
                        "message": error.message,
                        "field": error.field,
                    },
                }
            else:
                dossier = result.dossier
                item |= {"status": "draft" if draft else "filed", "id": dossier.pk, "state": dossier.state,
                         "decision": dossier.decision}  # fmt: skip
            report.append(item)
            index += 1
    return report


def file_documents(principal: Principal, documents: list, *, draft: bool = False) -> list[dict]:
    """Declarations already read (a list of documents): as file_entries_in_chunks, line = position + 1."""
    return file_entries_in_chunks(
        principal, (Entry(n, d) for n, d in enumerate(documents, start=1)), draft=draft
    )

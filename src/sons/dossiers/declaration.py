"""What a supplier declares for a dossier, in the simulator's own shape: the contract's sections (sons.rules.contract,
the schema `sons schema` prints), which the API, the portal's forms and bulk files all go through, and which the
dossier keeps as declared (Dossier.declaration, one JSON document). `read` gives typed values (`date`, `Decimal`)
or refuses with a French error naming the field.

    {"client": {"rpps": "10001234565", "de_minimis_other_aid": "0.00"}, "solution_version_id": 3,
     "order": {…the contract's order…}, "balance": {…the contract's balance request, once filed…}}
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from sons.errors import Invalid
from sons.rules import contract
from sons.rules.contract import Count, InvalidDossier, Section

# What the supplier states about its client: who (the directory says the rest) and its other de minimis aids.
CLIENT = Section(
    {name: contract.CLIENT.fields[name] for name in ("rpps", "finess_geo", "de_minimis_other_aid")},
    "Client : un n° RPPS (professionnel) ou un n° FINESS géographique (centre), et les autres aides de minimis "
    "qu'il a perçues sur trois ans",
)
# The balance request (§6.4) as the supplier files it; the ASP's facts (advance validated, paid) are the platform's.
BALANCE = Section(
    {name: contract.BALANCE.fields[name] for name in ("completed_on", "va", "invoice", "training_delivered")},
    contract.BALANCE.description,
    nullable=True,
)
DECLARATION = Section(
    {
        "client": CLIENT,
        "solution_version_id": Count(
            "Identifiant de la version de la Solution (registre de l'ANS)", nullable=False
        ),
        "order": contract.ORDER,
        "balance": BALANCE,
    },
    "Déclaration du Fournisseur pour un dossier SONS SFP-LGC-Va2",
    required=("client", "solution_version_id", "order"),
)
DECLARATION.bind("")

# Bounds an attacker's input within what a real declaration needs (the request's size bounds the rest).
MAX_TEXT = 5000
MAX_ITEMS = 200


def load(raw: bytes, field: str = "corps") -> Any:
    """A JSON document as received (a request's body), refused in French when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise Invalid(f"Corps de la requête illisible : JSON invalide (ligne {error.lineno}, colonne "
                      f"{error.colno}).", field) from None  # fmt: skip


def read_text(value: Any, field: str) -> str:
    """A message or a reason: a non-empty text of at most MAX_TEXT characters, without NUL."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{field} : champ obligatoire manquant", field)
    _check_bounds(value, field)
    return value


def read(document: Any) -> dict:
    """The whole declaration, typed; a `de_minimis_other_aid` beside `client` (the API's first shape) is read as
    the client's."""
    if isinstance(document, dict) and "de_minimis_other_aid" in document:
        document = {**document, "client": {**(document.get("client") or {}),
                                           "de_minimis_other_aid": document["de_minimis_other_aid"]}}  # fmt: skip
    return _parse(DECLARATION, document)


def read_balance(document: Any) -> dict:
    return _parse(BALANCE, document)


def read_changes(section: Section, changes: Any) -> dict:
    """The fields of `section` a correction names (the others stay as declared), typed."""
    if not isinstance(changes, dict):
        raise Invalid(f"{section.path} : objet JSON attendu", section.path)
    known = {name: value for name, value in changes.items() if name in section.fields}
    _check_bounds(known, section.path)
    try:
        return {name: section.fields[name].parse(value) for name, value in known.items()}
    except InvalidDossier as error:
        raise Invalid(f"{error.path} : {error.message}", error.path) from None


def _parse(section: Section, document: Any) -> dict:
    _check_bounds(document, section.path)
    try:
        return section.parse(document)
    except InvalidDossier as error:
        raise Invalid(f"{error.path} : {error.message}", error.path) from None


def _check_bounds(value: Any, path: str) -> None:
    """No NUL character (PostgreSQL text cannot hold one), no text or list larger than a declaration needs."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(f"{path or 'dossier'} : caractère NUL interdit", path)
        if len(value) > MAX_TEXT:
            raise Invalid(f"{path or 'dossier'} : texte trop long ({MAX_TEXT} caractères au plus)", path)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_bounds(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        if len(value) > MAX_ITEMS:
            raise Invalid(f"{path} : liste trop longue ({MAX_ITEMS} éléments au plus)", path)
        for index, item in enumerate(value):
            _check_bounds(item, f"{path}[{index}]")


def as_json(value: Any) -> Any:
    """A typed declaration as the JSON field keeps it: dates ISO, amounts at two decimals ("270.00")."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def schema(section: Section = DECLARATION) -> dict:
    """The JSON Schema of a declaration (or of one of its sections), for the API's documentation."""
    return section.schema()

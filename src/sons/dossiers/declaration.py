"""What a supplier declares for a dossier, in the simulator's own shape: the contract's dossier (sons.rules.contract,
the schema `sons schema` prints), which the API, the portal's forms and bulk files all go through. A filing's body
is a simulator dossier that names its `solution_version_id`: the same fields, the same checks, an unknown field
refused (`UnknownField`, naming it). Only the filing asks less: the facts the platform establishes itself (the
directory's, the ANS registry's, the ASP's: `supplier`, `solution`, `client.profession`, `filed_on`…) may be left
out; given, they are checked, then set aside (`set_aside` lists them) and never kept.

The dossier keeps what the supplier declares (Dossier.declaration, one JSON document); `read` gives it typed
(`date`, `Decimal`) or refuses with a French error naming the field.

    {"client": {"rpps": "10001234565", "de_minimis_other_aid": "0.00"}, "solution_version_id": 3,
     "supplier_reference": "CMD-2026-0042", "order": {…the contract's order…}, "balance": {…once filed…}}
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from sons.errors import Invalid, UnknownField
from sons.rules import contract
from sons.rules.contract import Count, InvalidDossier, Section

# What the supplier states, and the dossier keeps: its client (who, and its other de minimis aids), its version,
# its reference, its order and its balance request. The rest of a body is the platform's to establish.
CLIENT_DECLARED = ("rpps", "finess_geo", "de_minimis_other_aid", "additional_centres")
# Of each other centre of a centre's order (§4.2), the supplier declares who it is and its representative's
# commitment (§4.3); the directory gives the rest.
CENTRE_DECLARED = ("finess_geo", "certificate_commitment")
BALANCE_DECLARED = ("completed_on", "va", "invoice", "training_delivered")
TOP_DECLARED = ("client", "solution_version_id", "supplier_reference", "order", "balance")


def _optional(field):
    """The same field, which a filing may leave out (the platform knows its value)."""
    optional = copy.copy(field)
    optional.nullable = True
    return optional


CLIENT = Section(
    {**contract.CLIENT.fields, "kind": _optional(contract.CLIENT.fields["kind"])},
    "Client : un n° RPPS (professionnel) ou un n° FINESS géographique (centre), et les autres aides de minimis "
    "qu'il a perçues sur trois ans ; ses autres faits viennent de l'annuaire",
)
BALANCE = contract.BALANCE
DECLARATION = Section(
    {
        **{name: _optional(field) for name, field in contract.DOSSIER.fields.items()},
        "client": CLIENT,
        "solution_version_id": Count(
            "Identifiant de la version de la Solution (registre de l'ANS : GET /api/v1/solutions)",
            nullable=False,
        ),
        "order": contract.ORDER,
    },
    "Déclaration du Fournisseur pour un dossier SONS SFP-LGC-Va2 : un dossier du simulateur qui nomme sa version",
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


def _legacy(document: Any) -> Any:
    """A `de_minimis_other_aid` beside `client` (the API's first shape, still read) is the client's."""
    if isinstance(document, dict) and "de_minimis_other_aid" in document:
        document = dict(document)
        aid = document.pop("de_minimis_other_aid")
        client = document.get("client")
        document["client"] = {**client, "de_minimis_other_aid": aid} if isinstance(client, dict) else client
    return document


def read(document: Any) -> dict:
    """What the supplier declares, typed, from a whole body (checked whole: an unknown field or a bad value of a
    fact the platform establishes is refused too)."""
    parsed = _parse(DECLARATION, _legacy(document))
    balance = parsed["balance"]
    return {
        "client": {
            **{name: parsed["client"][name] for name in CLIENT_DECLARED},
            "additional_centres": [
                {name: centre[name] for name in CENTRE_DECLARED}
                for centre in parsed["client"]["additional_centres"] or ()
            ],
        },
        "solution_version_id": parsed["solution_version_id"],
        "supplier_reference": parsed["supplier_reference"],
        "order": parsed["order"],
        "balance": None if balance is None else {name: balance[name] for name in BALANCE_DECLARED},
    }


def set_aside(document: Any) -> list[str]:
    """The fields of a (valid) body that the platform establishes itself, given anyway: checked by `read`, not
    kept. The answer lists them, so that nothing a supplier sends is dropped without a word."""
    document = _legacy(document)
    if not isinstance(document, dict):
        return []
    found = [name for name, value in document.items() if name not in TOP_DECLARED and value is not None]
    centres = (
        (document.get("client") or {}).get("additional_centres")
        if isinstance(document.get("client"), dict)
        else None
    )
    for index, centre in enumerate(centres if isinstance(centres, list) else ()):
        if isinstance(centre, dict):
            found += [f"client.additional_centres[{index}].{name}" for name, value in centre.items()
                      if name not in CENTRE_DECLARED and value is not None]  # fmt: skip
    for section, declared in (("client", CLIENT_DECLARED), ("balance", BALANCE_DECLARED)):
        given = document.get(section)
        if isinstance(given, dict):
            found += [
                f"{section}.{name}"
                for name, value in given.items()
                if name not in declared and value is not None
            ]
    return found


def read_balance(document: Any) -> dict | None:
    balance = _parse(BALANCE, document)
    return None if balance is None else {name: balance[name] for name in BALANCE_DECLARED}


def read_changes(section: Section, changes: Any) -> dict:
    """The fields of `section` a correction names (the others stay as declared), typed; a name the section does
    not know is refused."""
    if not isinstance(changes, dict):
        raise Invalid(f"{section.path} : objet JSON attendu", section.path)
    _check_bounds(changes, section.path)
    try:
        if not changes.keys() <= section.fields.keys():
            raise contract.unknown_field(section, changes, section.path)
        return {name: section.fields[name].parse(value) for name, value in changes.items()}
    except InvalidDossier as error:
        raise _refusal(error) from None


def _refusal(error: InvalidDossier) -> Invalid:
    kind = UnknownField if isinstance(error, contract.UnknownField) else Invalid
    return kind(f"{error.path} : {error.message}", error.path)


def _parse(section: Section, document: Any) -> dict:
    _check_bounds(document, section.path)
    try:
        return section.parse(document)
    except InvalidDossier as error:
        raise _refusal(error) from None


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

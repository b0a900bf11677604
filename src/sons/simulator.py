"""The simulator's entry point shared by the CLI, the batch and the portal: JSON in, evaluation out."""

from __future__ import annotations

from datetime import date

import orjson

from .rules import Evaluation, InvalidDossier, evaluate, parse_dossier
from .rules.params import ParameterNotInForce


def json_error_message(error: orjson.JSONDecodeError) -> str:
    return f"JSON invalide (ligne {error.lineno}, colonne {error.colno})"


def evaluate_document(data, date_0: date | None = None, parse=parse_dossier) -> Evaluation:
    """Evaluate one decoded JSON document; raises InvalidDossier with a field path on bad input.

    The batch passes the generated parser (`rules.fastparse`); every other caller the declared one.
    """
    dossier = parse(data)
    try:
        return evaluate(dossier, date_0=date_0)
    except ParameterNotInForce as error:
        raise InvalidDossier("filed_on", str(error)) from None


def evaluate_json(raw: bytes | str, date_0: date | None = None) -> Evaluation:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidDossier("dossier", json_error_message(error)) from None
    return evaluate_document(data, date_0)

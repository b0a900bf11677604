"""The AF-SFP-LGC-Va2 as code: pure Python, no Django, no I/O once the parameters are loaded."""

from .contract import DISPOSITIF, InvalidDossier, json_schema, parse_dossier
from .engine import (
    ADMISSIBLE,
    ADMISSIBLE_SUBJECT_TO_REFERENCING,
    NOT_ADMISSIBLE,
    Evaluation,
    evaluate,
    evaluate_enrolment,
    evaluate_obsolete_version,
    evaluate_pilot,
    evaluate_recovery,
)
from .params import load as load_parameters

__all__ = [
    "ADMISSIBLE",
    "ADMISSIBLE_SUBJECT_TO_REFERENCING",
    "DISPOSITIF",
    "NOT_ADMISSIBLE",
    "Evaluation",
    "InvalidDossier",
    "evaluate",
    "evaluate_enrolment",
    "evaluate_obsolete_version",
    "evaluate_pilot",
    "evaluate_recovery",
    "json_schema",
    "load_parameters",
    "parse_dossier",
]

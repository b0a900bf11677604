"""Dossiers for the simulator: a conforming baseline and traits that change one thing at a time.

The baseline (Date 0 = 2025-06-15) is an advance request for a liberal IDE, filed on 2026-09-01,
with an order signed on 2026-08-10 after the solution's referencing on 2026-08-01: admissible,
cap 270.00 € TTC 20 %, advance 108.00 €, balance 162.00 €.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from sons.rules import evaluate, parse_dossier
from sons.rules.identifiers import with_luhn_key

DATE_0 = date(2025, 6, 15)
# Calendar of that Date 0 (AF §2), written out by hand.
ORDER_SIGNATURE_FROM = date(2026, 6, 15)
DATE_2 = date(2027, 4, 15)
DATE_4 = date(2027, 10, 15)
EXCEPTION_FROM = date(2027, 9, 30)
DATE_5 = date(2028, 2, 15)
DATE_6 = date(2028, 5, 15)

RPPS = "10001234565"
FINESS = with_luhn_key("75000001")
ALL_PROFILES = ["ide", "ipa", "mk", "orthophoniste", "orthoptiste", "pedicure_podologue", "sage_femme",
                "centre_sante_infirmier"]  # fmt: skip
VA_FUNCTIONS = ["psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received", "send_mes",
                "consult_mes", "segur_documents"]  # fmt: skip

BASE: dict[str, Any] = {
    "dispositif": "SFP-LGC-Va2",
    "date_0": "2025-06-15",
    "request": "advance",
    "filed_on": "2026-09-01",
    "supplier": {
        "role": "publisher",
        "declared_by_publisher": None,
        "publisher_mandate": None,
        "psc_user_service_operator": True,
        "enrolment": "validated",
        "vat_liable": True,
        "pilot_validated": False,
    },
    "solution": {
        "market": "open",
        "profiles": ALL_PROFILES,
        "complete_dossier_on": "2026-05-01",
        "referencing": "granted",
        "referenced_on": "2026-08-01",
    },
    "client": {
        "kind": "professional",
        "rpps": RPPS,
        "profession": "ide",
        "practice": "liberal",
        "registered_with_order": True,
        "finess_geo": None,
        "tranche": None,
        "accord_national_2015": None,
        "staff_declared": None,
        "other_orders": 0,
        "de_minimis_other_aid": "0.00",
    },
    "order": {
        "in_client_name": True,
        "issued_on": "2026-06-20",
        "signed_on": "2026-08-10",
        "signature": "handwritten",
        "lines": [{"label": "Prestation Ségur", "amount": "270.00"}],
        "vat_rate": "20",
        "mention_state_funded": True,
        "mention_conditional_referencing": False,
        "conditioned_on": [],
        "paid_version_catch_up": False,
        "client_version_obsolete": False,
        "centre_certificate_commitment": None,
    },
    "balance": None,
}

BALANCE = {
    "advance_validated": True,
    "completed_on": "2027-12-01",
    "end_of_service_attested_on": None,
    "va": {"signed_on": "2027-12-05", "signature": "psc", "functions": VA_FUNCTIONS},
    "invoice": {"issued_on": "2027-12-06", "amount": "270.00", "in_client_name": True},
    "training_delivered": True,
}


def iso(value):
    return value.isoformat() if isinstance(value, date) else value


def apply(data: dict, changes: dict[str, Any]) -> dict:
    """Set nested fields: `client__profession="mk"`; dates may be given as `date`."""
    for key, value in changes.items():
        target = data
        *parents, leaf = key.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = iso(value)
    return data


def dossier(**changes: Any) -> dict:
    """The conforming advance request with `changes`."""
    return apply(copy.deepcopy(BASE), changes)


def centre(tranche: str = "A", **changes: Any) -> dict:
    """A centre de santé infirmier of the Base de référence, in `tranche`, with `changes`."""
    traits = {
        "client__kind": "centre",
        "client__rpps": None,
        "client__profession": None,
        "client__practice": None,
        "client__registered_with_order": None,
        "client__finess_geo": FINESS,
        "client__tranche": tranche,
        "client__accord_national_2015": True,
        "client__staff_declared": True,
        "client__de_minimis_other_aid": None,
        "order__centre_certificate_commitment": True,
    }
    return dossier(**{**traits, **changes})


def balance_request(**changes: Any) -> dict:
    """The conforming balance request (filed 2027-12-10, pilot validated) with `changes`."""
    data = dossier(request="balance", filed_on="2027-12-10", supplier__pilot_validated=True)
    data["balance"] = copy.deepcopy(BALANCE)
    return apply(data, changes)


def run(data: dict):
    return evaluate(parse_dossier(data))


def blocking_rules(evaluation) -> set[str]:
    return {f.rule for f in evaluation.findings if f.severity == "blocking"}


def outcome(evaluation, rule: str) -> str:
    return evaluation.trace[rule].check.outcome

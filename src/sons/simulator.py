"""The simulator's entry point shared by the CLI, the batch and the portal: JSON in, evaluation out."""

from __future__ import annotations

from datetime import date

import orjson

from .rules import Evaluation, InvalidDossier, codes, evaluate, parse_dossier
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


# The simulator for people (the portal's public page): a typical request in which everything the form does not
# ask is in order — an enrolled publisher, a solution referenced on the day of the order, an order in the
# Client's name with the AF's mentions, signed through Pro Santé Connect. The rules decide, as for any dossier.
PEOPLE_ASSUMPTIONS = (
    "le Fournisseur est l'éditeur de la solution, enrôlé auprès de l'ASP et assujetti à la TVA quand le montant "
    "est TTC",
    "la version de la solution est référencée au plus tard le jour de la commande",
    "le bon de commande est au nom du Client, porte les mentions de l'AF et est signé par Pro Santé Connect",
    "le Client n'a pas d'autre commande ni d'autre aide de minimis",
)


def people_dossier(*, profile: str, practice: str | None, tranche: str | None, signed_on: date, filed_on: date,
                   amount, vat_rate: str) -> dict:  # fmt: skip
    """The contract's dossier for the simulator's plain form: the Client (a profession and its mode of practice,
    or a centre and its tranche), the order's signature date and amount — TTC at `vat_rate`, HT at "0" — and the
    filing date."""
    centre = profile == "centre_sante_infirmier"
    client = {"kind": "centre", "finess_geo": "750000010", "tranche": tranche, "accord_national_2015": True,
              "staff_declared": True, "other_orders": 0} if centre else {
              "kind": "professional", "rpps": "10001234565", "profession": profile, "practice": practice,
              "registered_with_order": True, "other_orders": 0, "de_minimis_other_aid": "0.00"}  # fmt: skip
    order = {"in_client_name": True, "issued_on": signed_on, "signed_on": signed_on, "signature": "psc",
             "lines": [{"label": "Prestation Ségur", "amount": amount}], "vat_rate": vat_rate,
             "mention_state_funded": True, "mention_conditional_referencing": False, "conditioned_on": [],
             "paid_version_catch_up": False, "client_version_obsolete": False}  # fmt: skip
    if centre:
        order["centre_certificate_commitment"] = True
    return {
        "dispositif": "SFP-LGC-Va2", "date_0": None, "request": "advance", "filed_on": filed_on,
        "supplier": {"role": "publisher", "psc_user_service_operator": True, "enrolment": "validated",
                     "vat_liable": vat_rate != "0", "pilot_validated": False},
        "solution": {"market": "open", "profiles": list(codes.PROFILES), "complete_dossier_on": signed_on,
                     "referencing": "granted", "referenced_on": signed_on},
        "client": client, "order": order, "balance": None,
    }  # fmt: skip

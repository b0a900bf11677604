"""A supplier's declarations as the tests file them (JSON, as the API receives them): the simulator's conforming
order (tests/factories.py), the client, the balance request."""

import copy

from tests.factories import BASE


def order(**changes) -> dict:
    """The simulator's conforming order (tests/factories.py), issued before the version's referencing date."""
    return {**copy.deepcopy(BASE["order"]), "issued_on": "2026-08-01", **changes}


def filing(world, rpps: str | None = None, **order_changes) -> dict:
    return {
        "client": {"rpps": rpps or world.professionals[0].rpps},
        "solution_version_id": world.version.pk,
        "order": order(**order_changes),
        "de_minimis_other_aid": "0.00",
    }


BALANCE = {
    "completed_on": "2027-12-01",
    "va": {"signed_on": "2027-12-05", "signature": "psc",
           "functions": ["psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received",
                         "send_mes", "consult_mes", "segur_documents"]},
    "invoice": {"issued_on": "2027-12-06", "amount": "270.00", "in_client_name": True},
}  # fmt: skip


def redeclare(dossier, *, order: dict | None = None, balance: dict | None = None, save: bool = True):
    """The dossier's declaration changed as a test needs it (order fields merged; the balance replaced), typed."""
    from sons.dossiers.declaration import read_balance, read_changes
    from sons.rules.contract import ORDER

    declared = dict(dossier.declared)
    if order:
        declared["order"] = {**declared["order"], **read_changes(ORDER, order)}
    if balance is not None:
        declared["balance"] = read_balance(balance)
    dossier.declare(declared)
    if save:
        dossier.save()
    return dossier

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

"""Validated advance requests waiting for payment, and the paying agents who race to pay them."""

from sons.dossiers.actions import file_many, validate
from sons.suppliers.enums import Role
from tests.db_factories import (
    ProfessionalFactory,
    enrolled_publisher_version,
    join_pieces,
    staff,
    supplier_token,
)
from tests.worlds import order


def paying_agents_and_validated_advances(agents: int, dossiers: int) -> list:
    """`dossiers` advance requests filed for an enrolled publisher's referenced version and validated; the
    principals of `agents` paying agents."""
    version = enrolled_publisher_version()
    supplier = supplier_token(version.solution.publisher.organisation)[0]
    instructor = staff(Role.ASP_INSTRUCTOR, "instructeur")[0]
    items = [
        {"client": {"rpps": p.rpps}, "solution_version_id": version.pk, "order": order(),
         "de_minimis_other_aid": "0.00"}
        for p in ProfessionalFactory.create_batch(dossiers)
    ]  # fmt: skip
    for result in file_many(supplier, items):
        join_pieces(result.dossier, "advance")  # the signed order, joined after the direct filing (§6.2)
        validate(instructor, result.dossier)
    return [staff(Role.ASP_PAYING_AGENT, f"agent-{n}")[0] for n in range(agents)]

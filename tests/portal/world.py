"""Accounts for the portal's spaces: two suppliers, an instructor and a paying agent, with passwords, and a
referenced version with the directory; dossiers filed through the same domain actions as the API."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from sons.dossiers import actions
from sons.suppliers.enums import Role
from sons.suppliers.models import Membership
from sons.suppliers.perms import Principal
from tests.db_factories import (
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
)
from tests.worlds import order

PASSWORD = "mot-de-passe-de-test"


def account(username: str, role: str, organisation=None) -> Principal:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Membership.objects.create(user=user, role=role, organisation=organisation)
    return Principal.for_user(user)


@dataclass
class Spaces:
    supplier: Principal
    other_supplier: Principal
    instructor: Principal
    paying_agent: Principal
    version: object
    professionals: list

    def file(self, professional, principal=None, **order_changes):
        data = {"client": {"rpps": professional.rpps}, "solution_version_id": self.version.pk,
                "order": order(**order_changes), "de_minimis_other_aid": "0.00"}  # fmt: skip
        return actions.file_one(principal or self.supplier, data)


def make_spaces() -> Spaces:
    version = enrolled_publisher_version()
    organisation = version.solution.publisher.organisation
    other = OrganisationFactory(name="Autre Éditeur")
    EnrolmentFactory(organisation=other)
    return Spaces(
        supplier=account("fournisseur", Role.SUPPLIER_MEMBER, organisation),
        other_supplier=account("autre-fournisseur", Role.SUPPLIER_MEMBER, other),
        instructor=account("instructeur", Role.ASP_INSTRUCTOR),
        paying_agent=account("agent-payeur", Role.ASP_PAYING_AGENT),
        version=version,
        professionals=ProfessionalFactory.create_batch(6),
    )

"""Enrolment (§6.1): filed → to_complete ⇄ filed → validated | rejected, checked by the rules."""

import pytest
from django.core.exceptions import ValidationError

from sons.audit.models import AuditEntry
from sons.errors import Conflict
from sons.suppliers.actions import file_enrolment, move_enrolment
from sons.suppliers.enums import Role
from sons.suppliers.models import Organisation
from tests.db_factories import (
    OrganisationFactory,
    PublisherFactory,
    SolutionFactory,
    SolutionVersionFactory,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    instructor, _ = staff(Role.ASP_INSTRUCTOR, "instructeur")
    supplier, _ = staff(Role.ADMIN, "admin")
    return instructor, supplier


def publisher_org(**changes):
    publisher = PublisherFactory(organisation=OrganisationFactory(**changes))
    SolutionVersionFactory(solution=SolutionFactory(publisher=publisher))
    return publisher.organisation


def test_completion_loop_then_validation(actors):
    instructor, admin = actors
    enrolment = file_enrolment(admin, publisher_org())
    enrolment = move_enrolment(
        instructor, enrolment, "request_completion", "Déclaration sur l'honneur illisible."
    )
    assert enrolment.state == "to_complete"
    with pytest.raises(Conflict):
        move_enrolment(instructor, enrolment, "validate")
    enrolment = move_enrolment(admin, enrolment, "complete")
    assert move_enrolment(instructor, enrolment, "validate").state == "validated"
    assert AuditEntry.objects.filter(action="enrolment.transition").count() == 3


def test_hosting_without_hds_certificate_cannot_be_validated(actors):
    instructor, admin = actors
    enrolment = file_enrolment(admin, publisher_org(hosts_health_data=True, hds_certificates=0))
    with pytest.raises(Conflict, match="certificat"):
        move_enrolment(instructor, enrolment, "validate")
    assert move_enrolment(instructor, enrolment, "reject", "Certificat HDS manquant.").state == "rejected"


def test_no_psc_habilitation_cannot_be_validated(actors):
    instructor, admin = actors
    enrolment = file_enrolment(admin, publisher_org(psc_user_service_operator=False))
    with pytest.raises(Conflict, match="Pro Santé Connect"):
        move_enrolment(instructor, enrolment, "validate")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siren", "732829321"),
        ("siret", "73282932000075"),
        ("iban", "FR7630006000011234567890188"),
        ("bic", "AGRI"),
    ],
)
def test_identifiers_are_checked(field, value):
    organisation = Organisation(name="X", siren="732829320", **{field: value} if field != "siren" else {})
    if field == "siren":
        organisation.siren = value
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert field in error.value.message_dict

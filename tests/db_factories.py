"""factory_boy factories for the database, with traits per workflow state."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model

from sons.directory.enums import PracticeMode, Profession
from sons.directory.models import Centre, Professional
from sons.registry.enums import Referencing
from sons.registry.models import Publisher, Solution, SolutionVersion
from sons.rules.identifiers import with_luhn_key
from sons.suppliers.enums import EnrolmentState, Role
from sons.suppliers.models import ApiToken, Enrolment, Membership, Organisation
from sons.suppliers.perms import Principal
from tests.factories import ALL_PROFILES


def siren(n: int) -> str:
    return with_luhn_key(f"{73282932 + n:08d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Éditeur {n}")
    siren = factory.Sequence(siren)
    vat_liable = True
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"
    psc_user_service_operator = True
    hosts_health_data = False
    sworn_statement = True


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    organisation = factory.SubFactory(OrganisationFactory)
    state = EnrolmentState.VALIDATED
    filed_on = factory.Faker("date_between", start_date="-1y", end_date="today")


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Éditeur {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution

    publisher = factory.SubFactory(PublisherFactory)
    name = factory.Sequence(lambda n: f"Logiciel {n}")


class SolutionVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolutionVersion

    solution = factory.SubFactory(SolutionFactory)
    version = factory.Sequence(lambda n: f"{n + 2}.0")
    profiles = ALL_PROFILES
    candidature_validated = True
    complete_dossier_on = "2026-05-01"
    referencing = Referencing.GRANTED
    referenced_on = "2026-06-01"

    class Params:
        pending = factory.Trait(referencing=Referencing.PENDING, referenced_on=None)


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    rpps = factory.Sequence(lambda n: with_luhn_key(f"1{n:09d}"))
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    profession = Profession.IDE
    practice = PracticeMode.LIBERAL
    registered_with_order = True


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    finess_geo = factory.Sequence(lambda n: with_luhn_key(f"75{n:06d}"))
    name = factory.Sequence(lambda n: f"Centre de soins infirmiers {n}")
    tranche = "B"
    accord_national_2015 = True
    staff_declared = True


def enrolled_publisher_version(**version_traits) -> SolutionVersion:
    """A referenced version whose publisher's organisation is enrolled with the ASP."""
    publisher = PublisherFactory()
    EnrolmentFactory(organisation=publisher.organisation)
    return SolutionVersionFactory(solution=SolutionFactory(publisher=publisher), **version_traits)


# The tests' tokens outlive the calendar they walk (a dossier's life spans two years; a real token, one).
TOKEN_LIFETIME = timedelta(days=5 * 365)


def staff(role: str, username: str):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, role=role)
    _, key = ApiToken.issue(f"jeton de {username}", user=user, lifetime=TOKEN_LIFETIME)
    return Principal.for_user(user), key


def supplier_token(organisation: Organisation) -> tuple[Principal, str]:
    _, key = ApiToken.issue("système de dépôt", organisation=organisation, lifetime=TOKEN_LIFETIME)
    return Principal(Role.SUPPLIER_MEMBER, organisation.name, None, organisation), key

"""Accounts and data for joining and enrolment: a publisher's organisation with its administrator, a solution
of the ANS registry whose candidature is validated, an instructor, and PDFs to join."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from sons.suppliers.actions import EnrolmentForm
from sons.suppliers.enums import MemberRole, OrganisationKind, Role
from sons.suppliers.models import Membership, Organisation
from sons.suppliers.perms import Principal
from tests.db_factories import OrganisationFactory, PublisherFactory, SolutionFactory, SolutionVersionFactory

PASSWORD = "Un-mot-de-passe-solide-42"
IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP"


def pdf_bytes(text: str = "Pièce justificative") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text.encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def pdf(name: str = "piece.pdf", text: str = "Pièce justificative") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def member(
    organisation: Organisation, username: str, member_role: str = MemberRole.ADMINISTRATOR
) -> Principal:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@exemple.fr", password=PASSWORD, first_name="Prénom",
        last_name=username.capitalize(),
    )  # fmt: skip
    Membership.objects.create(
        user=user, role=Role.SUPPLIER_MEMBER, organisation=organisation, member_role=member_role
    )
    return Principal.for_user(user)


def agent(username: str, *roles: str) -> Principal:
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@asp.fr", password=PASSWORD
    )
    for role in roles:
        Membership.objects.create(user=user, role=role)
    return Principal.for_user(user)


@dataclass
class Joining:
    organisation: Organisation
    admin: Principal
    instructor: Principal
    solution: object

    def form(self, **changes) -> EnrolmentForm:
        values = {"solution_id": self.solution.pk, "hosts_health_data": False, "psc_user_service_operator": True,
                  "iban": IBAN, "bic": BIC}  # fmt: skip
        return EnrolmentForm(**{**values, **changes})


def joining(kind: str = OrganisationKind.PUBLISHER) -> Joining:
    """A signed-up organisation, not enrolled, and a registry solution whose publisher is not yet linked."""
    organisation = OrganisationFactory(kind=kind, siret="", iban="", bic="", psc_user_service_operator=False,
                                       hosts_health_data=None, sworn_statement=False)  # fmt: skip
    solution = SolutionFactory(publisher=PublisherFactory(organisation=None, name="Éditeur du registre"))
    SolutionVersionFactory(solution=solution)
    return Joining(organisation, member(organisation, "admin-fournisseur"), agent("instructeur", Role.ASP_INSTRUCTOR),
                   solution)  # fmt: skip

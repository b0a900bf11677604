"""Joining through the portal's pages: sign-up confirmed by e-mail, enrolment with its PDFs decided by an
instructor, members and invitations, staff administration. Bad input gets a French message tied to its field
(DSFR error markup) and creates nothing."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from sons.suppliers import organisations
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Enrolment, Invitation, Membership, Organisation
from tests.queue import run_pending
from tests.second_factor import verified
from tests.suppliers.world import BIC, IBAN, PASSWORD, agent, joining, member, pdf

pytestmark = pytest.mark.django_db
User = get_user_model()
SIGN_UP = {"siren": "732 829 320", "siret": "732 829 320 00074", "name": "Logiciels du Littoral",
           "address": "3 quai des Chartrons", "postcode": "33000", "city": "Bordeaux", "kind": "publisher",
           "first_name": "Claire", "last_name": "Martin", "email": "claire@littoral.fr", "password1": PASSWORD,
           "password2": PASSWORD}  # fmt: skip


def client_of(principal) -> Client:
    client = Client()
    client.force_login(principal.user)
    return verified(client, principal.user)


def field_error(response, field: str) -> str:
    found = re.search(rf'id="id_{field}-erreur"[^>]*>(.*?)</', response.content.decode(), re.S)
    assert found, f"aucune erreur sur « {field} »"
    return html.unescape(found.group(1))


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_sign_up_through_the_portal_and_confirm_by_the_link(smtp_inbox):
    client = Client()
    assert "Inscrire votre organisation" in text(client.get(reverse("portal:sign_up")))
    response = client.post(reverse("portal:sign_up"), SIGN_UP)
    assert response.status_code == 200 and "claire@littoral.fr" in text(response)
    run_pending()
    (message,) = smtp_inbox.to("claire@littoral.fr")
    response = client.get(smtp_inbox.link(message).removeprefix("http://127.0.0.1:8000"))
    assert response.url == reverse("portal:enrolment")
    page = text(client.get(response.url))
    assert "pas encore enrôlée" in page and "Déposer la demande d'enrôlement" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siren": "732829321"}, "siren", "SIREN « 732829321 » invalide"),
        ({"siret": "73282932000075"}, "siret", "SIRET « 73282932000075 » invalide"),
        ({"password2": "autre chose"}, "password2", "pas identiques"),
        ({"email": "pas-une-adresse"}, "email", "adresse de courriel valide"),
    ],
)
def test_bad_sign_up_names_the_field_in_french_and_creates_nothing(changes, field, message):
    response = Client().post(reverse("portal:sign_up"), {**SIGN_UP, **changes})
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert 'aria-invalid="true"' in text(response)
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_a_second_sign_up_of_an_enrolled_siret_points_to_its_administrators():
    organisation = Organisation.objects.create(name="Logiciels du Littoral", siren="732829320",
                                               siret="73282932000074")  # fmt: skip
    member(organisation, "claire")
    response = Client().post(reverse("portal:sign_up"), {**SIGN_UP, "email": "hugo@littoral.fr"})
    assert response.status_code == 400
    assert "déjà inscrite" in field_error(response, "siret") and "c•••@exemple.fr" in field_error(
        response, "siret"
    )
    assert Organisation.objects.count() == 1


def test_enrolment_filed_with_pdfs_then_completed_then_validated_by_an_instructor():
    world = joining()
    supplier = client_of(world.admin)
    form = {"solution": world.solution.pk, "hosts_health_data": "false", "psc_user_service_operator": "true",
            "iban": "BR1800360305000010009795493C1", "bic": BIC, "rib": pdf("rib.pdf")}  # fmt: skip
    response = supplier.post(reverse("portal:enrolment"), form)
    assert response.status_code == 400 and "hors de la zone SEPA" in field_error(response, "iban")
    assert not Enrolment.objects.exists()
    form.update(iban=IBAN, rib=pdf("rib.pdf"))
    response = supplier.post(reverse("portal:enrolment"), form)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert "déclaration sur l'honneur est à joindre" in text(supplier.get(reverse("portal:enrolment")))
    instructor = client_of(world.instructor)
    page = text(instructor.get(reverse("portal:enrolment_detail", args=[enrolment.pk])))
    assert "déclaration sur l'honneur" in page and "rib.pdf" in page
    refused = instructor.post(
        reverse("portal:enrolment_detail", args=[enrolment.pk]), {"decision": "validate"}
    )
    assert refused.status_code == 400 and "Enrôlement non conforme" in text(refused)
    asked = instructor.post(reverse("portal:enrolment_detail", args=[enrolment.pk]),
                            {"decision": "request_completion", "message": "Joignez la déclaration sur l'honneur."})  # fmt: skip
    assert asked.status_code == 302
    page = text(supplier.get(reverse("portal:enrolment")))
    assert "Joignez la déclaration sur l'honneur." in page and "Compléter la demande d'enrôlement" in page
    completed = supplier.post(reverse("portal:enrolment"), {
        "solution": world.solution.pk, "hosts_health_data": "false", "psc_user_service_operator": "true",
        "iban": IBAN, "bic": BIC, "sworn_statement": pdf("declaration.pdf"), "answer": "Voici la déclaration.",
    })  # fmt: skip
    assert completed.status_code == 302
    validated = instructor.post(
        reverse("portal:enrolment_detail", args=[enrolment.pk]), {"decision": "validate"}
    )
    assert validated.status_code == 302
    assert Enrolment.objects.get().state == "validated"
    assert "Enrôlement validé" in text(supplier.get(reverse("portal:enrolment")))


def test_pieces_are_served_to_their_organisation_and_the_asp_only():
    world = joining()
    from sons.suppliers import actions

    actions.file_enrolment(world.admin, world.form(), {"rib": [pdf("rib.pdf")]})
    piece = Enrolment.objects.get().pieces.get()
    url = reverse("portal:enrolment_piece", args=[piece.pk])
    assert client_of(world.admin).get(url)["Content-Type"] == "application/pdf"
    assert client_of(world.instructor).get(url).status_code == 200
    other = member(Organisation.objects.create(name="Autre", siren="552081317"), "autre")
    assert client_of(other).get(url).status_code == 404


def test_members_invitations_and_roles_in_the_portal(smtp_inbox, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    world = joining()
    admin = client_of(world.admin)
    response = admin.post(reverse("portal:members"), {"email": "hugo@littoral.fr", "member_role": "filer"})
    assert response.status_code == 302
    run_pending()
    link = smtp_inbox.link(smtp_inbox.to("hugo@littoral.fr")[0]).removeprefix("http://127.0.0.1:8000")
    invitee = Client()
    weak = invitee.post(
        link, {"first_name": "Hugo", "last_name": "Bernard", "password1": "x", "password2": "x"}
    )
    assert weak.status_code == 400 and field_error(weak, "password1")
    joined = invitee.post(link, {"first_name": "Hugo", "last_name": "Bernard", "password1": PASSWORD,
                                 "password2": PASSWORD})  # fmt: skip
    assert joined.status_code == 302
    assert invitee.get(reverse("portal:dossier_new")).status_code == 200  # a filer files
    again = Client().post(link, {"first_name": "Eve", "last_name": "Intruse", "password1": PASSWORD,
                                 "password2": PASSWORD})  # fmt: skip
    assert again.status_code == 400 and "déjà été utilisée" in text(again)
    hugo = Membership.objects.get(user__email="hugo@littoral.fr")
    admin.post(reverse("portal:member_role", args=[hugo.pk]), {f"m{hugo.pk}-member_role": "reader"})
    assert invitee.get(reverse("portal:dossier_new")).status_code == 403  # a reader only reads
    assert invitee.get(reverse("portal:supplier_home")).status_code == 200
    assert invitee.get(reverse("portal:members")).status_code == 403
    own = Membership.objects.get(user=world.admin.user)
    response = admin.post(reverse("portal:member_remove", args=[own.pk]), follow=True)
    assert "au moins un administrateur" in text(response)
    assert Membership.objects.filter(pk=own.pk).exists()


def test_an_expired_invitation_link_says_so():
    world = joining()
    invitation, key = organisations.invite(world.admin, "hugo@littoral.fr", MemberRole.READER)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=invitation.created_at)
    response = Client().get(reverse("portal:invitation", args=[key]))
    assert response.status_code == 400 and "a expiré le" in text(response)


def test_staff_administration_pages_enforce_separation_of_duties():
    admin = agent("admin-asp", Role.ASP_ADMIN)
    client = client_of(admin)
    both = client.post(reverse("portal:staff_agents"), {"email": "x@asp.fr", "first_name": "X", "last_name": "Y",
                                                        "roles": ["asp_instructor", "asp_paying_agent"]})  # fmt: skip
    assert both.status_code == 400 and "Séparation des tâches" in field_error(both, "roles")
    assert not User.objects.filter(email="x@asp.fr").exists()
    created = client.post(reverse("portal:staff_agents"), {"email": "paul@asp.fr", "first_name": "Paul",
                                                           "last_name": "Payeur", "roles": ["asp_paying_agent"]})  # fmt: skip
    assert created.status_code == 302
    paul = User.objects.get(email="paul@asp.fr")
    refused = client.post(reverse("portal:staff_agent", args=[paul.pk]), {"role": "asp_instructor"})
    assert refused.status_code == 400 and "Séparation des tâches" in field_error(refused, "role")
    own = text(client.get(reverse("portal:staff_agent", args=[admin.user.pk])))
    assert "C'est votre compte" in own and "Attribuer un rôle" not in own
    assert (
        client.post(
            reverse("portal:staff_agent", args=[admin.user.pk]), {"role": "asp_instructor"}
        ).status_code
        == 200
    )
    assert set(Membership.objects.filter(user=admin.user).values_list("role", flat=True)) == {Role.ASP_ADMIN}
    instructor = client_of(agent("instructeur", Role.ASP_INSTRUCTOR))
    assert instructor.get(reverse("portal:staff_agents")).status_code == 403

"""Joining: sign-up of an organisation confirmed by e-mail (a real SMTP server), invitations (single use,
7 days), members and their roles; the last administrator stays. Bad input names its field and creates
nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from sons.audit.models import AuditEntry
from sons.suppliers import organisations
from sons.suppliers.enums import MemberRole
from sons.suppliers.errors import Conflict, NotAllowed, Refused
from sons.suppliers.models import ApiToken, Invitation, Membership, Organisation
from sons.suppliers.organisations import SignUp
from tests.queue import run_pending
from tests.suppliers.world import PASSWORD, member

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_up_data(**changes) -> SignUp:
    values = {"siren": "732829320", "siret": "73282932000074", "name": "Logiciels du Littoral",
              "address": "3 quai des Chartrons", "postcode": "33000", "city": "Bordeaux", "kind": "publisher",
              "first_name": "Claire", "last_name": "Martin", "email": "Claire.Martin@littoral.fr",
              "password": PASSWORD}  # fmt: skip
    return SignUp(**{**values, **changes})


def test_sign_up_then_confirmation_by_the_link_received(smtp_inbox):
    organisation, user = organisations.sign_up(sign_up_data())
    run_pending()  # the queue's worker sends the e-mails
    assert organisation.pending and not user.is_active
    assert Membership.objects.get(user=user).member_role == MemberRole.ADMINISTRATOR
    (message,) = smtp_inbox.to("claire.martin@littoral.fr")
    assert message["Subject"] == "SONS : confirmez l'inscription de Logiciels du Littoral"
    link = smtp_inbox.link(message)
    client = Client()
    response = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 302 and response.url == "/fournisseur/enrolement/"
    organisation.refresh_from_db()
    user.refresh_from_db()
    assert not organisation.pending and user.is_active
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 400  # used once
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "organisation.signed_up", "organisation.confirmed",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siren": "732829321"}, "siren", "SIREN « 732829321 » invalide"),
        ({"siren": "12345"}, "siren", "invalide"),
        ({"siret": "73282932000075"}, "siret", "SIRET « 73282932000075 » invalide"),
        ({"siret": "55208131766522"}, "siret", "doit commencer par le SIREN"),
        ({"name": " "}, "name", "Raison sociale obligatoire"),
        ({"postcode": ""}, "postcode", "Adresse complète"),
        ({"kind": "grossiste"}, "kind", "éditeur ou distributeur"),
        ({"email": "claire@"}, "email", "Adresse électronique invalide"),
        ({"password": "123"}, "password", "trop court"),
    ],
)
def test_bad_sign_up_names_the_field_and_creates_nothing(changes, field, message, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    with pytest.raises(Refused, match=message) as refusal:
        organisations.sign_up(sign_up_data(**changes))
    assert refusal.value.field == field
    assert not Organisation.objects.exists() and not User.objects.exists() and not AuditEntry.objects.exists()


def test_a_second_sign_up_of_an_enrolled_siret_points_to_its_administrators():
    _organisation, user = organisations.sign_up(sign_up_data())
    organisations.confirm_sign_up(user)
    with pytest.raises(Conflict) as refusal:
        organisations.sign_up(sign_up_data(email="autre@littoral.fr", first_name="Hugo"))
    assert refusal.value.field == "siret"
    assert (
        "déjà inscrite" in refusal.value.message
        and "Claire Martin (c•••@littoral.fr)" in refusal.value.message
    )
    assert "claire.martin@" not in refusal.value.message  # the address is not disclosed whole
    assert Organisation.objects.count() == 1 and User.objects.count() == 1


def test_an_unconfirmed_sign_up_holds_its_siren_three_days_only():
    organisation, _ = organisations.sign_up(sign_up_data())
    with pytest.raises(Conflict, match="attend la confirmation") as refusal:
        organisations.sign_up(sign_up_data(email="autre@littoral.fr"))
    assert refusal.value.field == "siren"
    Organisation.objects.filter(pk=organisation.pk).update(pending_since=timezone.now() - timedelta(days=4))
    again, _user = organisations.sign_up(sign_up_data(email="autre@littoral.fr"))
    assert Organisation.objects.get().pk == again.pk and User.objects.get().email == "autre@littoral.fr"


@pytest.fixture
def admin():
    organisation = Organisation.objects.create(
        name="Logiciels du Littoral", siren="732829320", siret="73282932000074"
    )
    return member(organisation, "claire")


def test_invitation_by_email_accepted_once(admin, smtp_inbox):
    invitation, key = organisations.invite(admin, "Hugo@Littoral.fr", MemberRole.FILER)
    run_pending()  # the queue's worker sends the e-mails
    (message,) = smtp_inbox.to("hugo@littoral.fr")
    assert "rejoindre Logiciels du Littoral" in message["Subject"]
    assert smtp_inbox.link(message).endswith(f"/invitation/{key}/")
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert Invitation.objects.get().key_hash != key  # only the hash is stored
    membership = organisations.accept_invitation(
        key, first_name="Hugo", last_name="Bernard", password=PASSWORD
    )
    assert (membership.organisation, membership.member_role, membership.user.email) == (
        admin.organisation, MemberRole.FILER, "hugo@littoral.fr")  # fmt: skip
    with pytest.raises(Conflict, match="déjà été utilisée") as refusal:
        organisations.accept_invitation(key, first_name="Hugo", last_name="Bis", password=PASSWORD)
    assert refusal.value.field == "invitation"
    assert User.objects.filter(email="hugo@littoral.fr").count() == 1


def test_an_expired_invitation_is_refused_and_creates_nothing(admin):
    invitation, key = organisations.invite(admin, "hugo@littoral.fr", MemberRole.READER)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Conflict, match="a expiré le") as refusal:
        organisations.accept_invitation(key, first_name="Hugo", last_name="Bernard", password=PASSWORD)
    assert refusal.value.field == "invitation"
    assert not User.objects.filter(email="hugo@littoral.fr").exists()


def test_an_unknown_or_revoked_invitation_is_refused(admin):
    with pytest.raises(Refused, match="inconnu"):
        organisations.accept_invitation("n'importe-quoi", first_name="A", last_name="B", password=PASSWORD)
    invitation, key = organisations.invite(admin, "hugo@littoral.fr", MemberRole.READER)
    organisations.revoke_invitation(admin, invitation)
    with pytest.raises(Conflict, match="annulée"):
        organisations.accept_invitation(key, first_name="A", last_name="B", password=PASSWORD)


def test_an_invitation_is_for_its_address_only(admin):
    _, key = organisations.invite(admin, "hugo@littoral.fr", MemberRole.READER)
    stranger = User.objects.create_user("intrus", email="intrus@ailleurs.fr", password=PASSWORD)
    with pytest.raises(NotAllowed, match=r"adressée à hugo@littoral\.fr"):
        organisations.accept_invitation(key, user=stranger)
    assert not Membership.objects.filter(user=stranger).exists()


def test_only_administrators_invite(admin):
    filer = member(admin.organisation, "hugo", MemberRole.FILER)
    with pytest.raises(NotAllowed):
        organisations.invite(filer, "x@littoral.fr", MemberRole.READER)
    with pytest.raises(Conflict, match="déjà membre"):
        organisations.invite(admin, "hugo@exemple.fr", MemberRole.READER)


def test_the_last_administrator_cannot_leave_nor_be_demoted(admin):
    own = Membership.objects.get(user=admin.user)
    with pytest.raises(Conflict, match="au moins un administrateur"):
        organisations.remove_member(admin, own.pk)
    with pytest.raises(Conflict, match="au moins un administrateur"):
        organisations.change_member_role(admin, own.pk, MemberRole.FILER)
    second = member(admin.organisation, "hugo", MemberRole.FILER)
    second_row = Membership.objects.get(user=second.user)
    organisations.change_member_role(admin, second_row.pk, MemberRole.ADMINISTRATOR)
    organisations.remove_member(admin, own.pk)  # now another administrator remains: leaving is allowed
    assert list(Membership.objects.values_list("user__username", flat=True)) == ["hugo"]
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions == ["member.role_changed", "member.left"]


def test_a_removed_member_loses_their_tokens_and_other_organisations_are_out_of_reach(admin):
    filer = member(admin.organisation, "hugo", MemberRole.FILER)
    _, _key = ApiToken.issue("poste de Hugo", organisation=admin.organisation, user=filer.user)
    organisations.remove_member(admin, Membership.objects.get(user=filer.user).pk)
    assert ApiToken.objects.get(user=filer.user).revoked
    other = member(Organisation.objects.create(name="Autre", siren="552081317"), "autre")
    with pytest.raises(Refused, match="Membre inconnu") as refusal:
        organisations.remove_member(admin, Membership.objects.get(user=other.user).pk)
    assert refusal.value.status == 404

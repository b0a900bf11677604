"""ProConnect sign-in against a real OpenID Connect provider started on 127.0.0.1 (panva's oidc-provider):
authorisation code with PKCE, state and nonce, signed userinfo, logout at the provider; matching of a first
sign-in by e-mail (an agent, an invitation) or by SIRET; refusals for a wrong state, a replayed code, an
expired token and an unknown person, who gets a French page and no account."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sons.accounts.models import ProConnectIdentity
from sons.audit.models import AuditEntry
from sons.suppliers import organisations
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Membership, Organisation
from tests.oidc.provider import RP, query_of, start
from tests.queue import run_pending
from tests.suppliers.world import agent, member

pytestmark = pytest.mark.django_db
User = get_user_model()
ACCOUNTS = {
    "agent-asp": {"email": "Ines.Instructrice@asp.gouv.fr", "given_name": "Inès", "usual_name": "Petit",
                  "siret": "13000549100010", "uid": "1"},
    "invitee": {"email": "hugo@littoral.fr", "given_name": "Hugo", "usual_name": "Bernard",
                "siret": "73282932000074", "uid": "2"},
    "collegue": {"email": "zoe@littoral.fr", "given_name": "Zoé", "usual_name": "Leroy",
                 "siret": "73282932000074", "uid": "3"},
    "inconnu": {"email": "paul@ailleurs.fr", "given_name": "Paul", "usual_name": "Durand",
                "siret": "55208131766522", "uid": "4"},
}  # fmt: skip


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    started = start(ACCOUNTS, tmp_path_factory.mktemp("oidc"))
    yield started
    started.stop()


@pytest.fixture
def proconnect(provider, settings):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    return provider


def begin(client: Client) -> str:
    response = client.get(reverse("portal:proconnect_login"))
    assert response.status_code == 302
    return response.url


def callback(client: Client, url: str):
    assert url.startswith(f"{RP}/proconnect/callback/")
    return client.get(url.removeprefix(RP))


def sign_in(client: Client, provider, login: str):
    return callback(client, provider.authorize(begin(client), login))


def signed_in_as(client: Client):
    return client.session.get("_auth_user_id")


def test_the_request_carries_pkce_state_and_nonce(proconnect):
    query = query_of(begin(Client()))
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["scope"] == "openid email given_name usual_name siret uid"


def test_an_agent_created_by_an_administrator_signs_in_and_is_linked(proconnect):
    instructor = agent("ines.instructrice@asp.gouv.fr", Role.ASP_INSTRUCTOR).user
    User.objects.filter(pk=instructor.pk).update(email="ines.instructrice@asp.gouv.fr")
    client = Client()
    response = sign_in(client, proconnect, "agent-asp")
    assert response.status_code == 302 and response.url == reverse("portal:space")
    assert signed_in_as(client) == str(instructor.pk)
    identity = ProConnectIdentity.objects.get(user=instructor)
    assert identity.sub == "agent-asp" and identity.siret == "13000549100010"
    assert client.get(reverse("portal:queue")).status_code == 200
    # A second sign-in goes by the linked identity.
    other = Client()
    sign_in(other, proconnect, "agent-asp")
    assert signed_in_as(other) == str(instructor.pk)
    assert AuditEntry.objects.filter(action="proconnect.linked").count() == 1
    assert AuditEntry.objects.filter(action="proconnect.signed_in").count() == 2


def test_logout_ends_the_session_at_the_provider(proconnect):
    agent("ines", Role.ASP_INSTRUCTOR)
    User.objects.filter(username="ines").update(email="ines.instructrice@asp.gouv.fr")
    client = Client()
    sign_in(client, proconnect, "agent-asp")
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302 and response.url.startswith(f"{proconnect.base}/session/end?")
    query = query_of(response.url)
    assert query["id_token_hint"] == id_token and query["post_logout_redirect_uri"] == f"{RP}/"
    assert signed_in_as(client) is None
    assert proconnect.end_session(response.url) == f"{RP}/?state={query['state']}"


def test_an_invited_person_joins_their_organisation(proconnect):
    organisation = Organisation.objects.create(name="Logiciels du Littoral", siren="732829320",
                                               siret="73282932000074")  # fmt: skip
    admin = member(organisation, "claire")
    invitation, _ = organisations.invite(admin, "hugo@littoral.fr", MemberRole.FILER)
    client = Client()
    sign_in(client, proconnect, "invitee")
    user = User.objects.get(email="hugo@littoral.fr")
    assert signed_in_as(client) == str(user.pk) and not user.has_usable_password()
    assert Membership.objects.get(user=user).member_role == MemberRole.FILER
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get(reverse("portal:supplier_home")).status_code == 200


def test_a_colleague_is_matched_by_the_siret_as_a_reader_and_the_administrators_told(proconnect, smtp_inbox):
    organisation = Organisation.objects.create(name="Logiciels du Littoral", siren="732829320",
                                               siret="73282932000074")  # fmt: skip
    member(organisation, "claire")
    client = Client()
    sign_in(client, proconnect, "collegue")
    run_pending()  # the queue's worker sends the e-mails
    user = User.objects.get(email="zoe@littoral.fr")
    assert Membership.objects.get(user=user).member_role == MemberRole.READER
    (message,) = smtp_inbox.to("claire@exemple.fr")
    assert "Zoé Leroy a rejoint Logiciels du Littoral" in message["Subject"]
    assert client.get(reverse("portal:dossier_new")).status_code == 403  # a reader does not file


def test_an_unknown_person_gets_a_french_page_and_no_account(proconnect):
    Organisation.objects.create(
        name="En attente", siren="552081317", siret="55208131766522", pending_since=timezone.now()
    )  # a sign-up not confirmed does not count
    client = Client()
    response = sign_in(client, proconnect, "inconnu")
    assert response.status_code == 302 and response.url == reverse("portal:proconnect_unknown")
    page = client.get(response.url)
    text = page.content.decode()
    assert "Vous n'avez pas encore de compte sur SONS" in text and "SIRET 55208131766522" in text
    assert "Aucun compte n'a été créé" in text and "?siret=55208131766522" in text
    assert signed_in_as(client) is None
    assert not User.objects.exists() and not ProConnectIdentity.objects.exists()


def test_a_wrong_state_is_refused(proconnect):
    agent("ines", Role.ASP_INSTRUCTOR)
    User.objects.filter(username="ines").update(email="ines.instructrice@asp.gouv.fr")
    client = Client()
    url = proconnect.authorize(begin(client), "agent-asp")
    forged = url.replace(f"state={query_of(url)['state']}", "state=etat-forge-par-un-tiers")
    response = callback(client, forged)
    assert response.status_code == 403 and "state" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_replayed_code_is_refused(proconnect):
    agent("ines", Role.ASP_INSTRUCTOR)
    User.objects.filter(username="ines").update(email="ines.instructrice@asp.gouv.fr")
    first = Client()
    url = proconnect.authorize(begin(first), "agent-asp")
    assert callback(first, url).status_code == 302 and signed_in_as(first)
    # The same answer again, in the same browser: its state was used up.
    first.logout()
    again = callback(first, url)
    assert again.status_code == 403 and signed_in_as(first) is None
    # The stolen code with another browser's fresh state: the provider refuses the code's second use.
    thief = Client()
    state = query_of(begin(thief))["state"]
    replay = url.replace(f"state={query_of(url)['state']}", f"state={state}")
    response = callback(thief, replay)
    assert response.status_code == 403 and "déjà utilisé ou expiré" in response.content.decode()
    assert signed_in_as(thief) is None


def test_an_expired_id_token_is_refused(proconnect):
    agent("ines", Role.ASP_INSTRUCTOR)
    User.objects.filter(username="ines").update(email="ines.instructrice@asp.gouv.fr")
    client = Client()
    url = proconnect.authorize(begin(client), "agent-asp")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):  # the ID token lives one hour
        response = callback(client, url)
    assert response.status_code == 403 and "a expiré" in response.content.decode()
    assert signed_in_as(client) is None and not ProConnectIdentity.objects.exists()


def test_proconnect_is_off_without_its_settings(settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "S'identifier avec" not in Client().get(reverse("portal:login")).content.decode()

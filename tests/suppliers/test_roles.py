"""Staff administration: separation of duties at every role assignment (nobody both validates and pays),
nobody grants a role to themselves, each house administers its own roles, every change journaled."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from sons.audit.models import AuditEntry
from sons.suppliers import roles
from sons.suppliers.enums import Role
from sons.suppliers.errors import Conflict, NotAllowed, Refused
from sons.suppliers.models import Membership, Organisation
from sons.suppliers.perms import Principal
from tests.concurrency import run_together
from tests.queue import run_pending
from tests.suppliers.world import agent, member

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def asp_admin():
    return agent("admin-asp", Role.ASP_ADMIN)


def held(user) -> set:
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def test_an_asp_administrator_creates_an_agent_with_roles(asp_admin, smtp_inbox):
    user = roles.create_agent(asp_admin, email="Paul.Payeur@asp.fr", first_name="Paul", last_name="Payeur",
                              roles=[Role.ASP_PAYING_AGENT])  # fmt: skip
    run_pending()  # the queue's worker sends the e-mails
    assert held(user) == {Role.ASP_PAYING_AGENT} and not user.has_usable_password()
    (message,) = smtp_inbox.to("paul.payeur@asp.fr")
    assert "/mot-de-passe/nouveau/" in smtp_inbox.link(message)
    granted = AuditEntry.objects.get(action="role.granted")
    assert (granted.actor, granted.payload["role"], granted.payload["user"]) == (
        "admin-asp", Role.ASP_PAYING_AGENT, "paul.payeur@asp.fr")  # fmt: skip


@pytest.mark.parametrize(
    ("first", "second"),
    [(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT), (Role.ASP_PAYING_AGENT, Role.ASP_INSTRUCTOR)],
)
def test_nobody_holds_both_validation_and_payment(asp_admin, first, second):
    user = agent("agent", first).user
    with pytest.raises(Conflict, match="Séparation des tâches") as refusal:
        roles.assign_role(asp_admin, user, second)
    assert refusal.value.field == "role"
    assert held(user) == {first}
    assert not AuditEntry.objects.filter(action="role.granted").exists()


def test_creating_an_agent_with_both_rights_is_refused_whole(asp_admin):
    with pytest.raises(Conflict, match="Séparation des tâches") as refusal:
        roles.create_agent(asp_admin, email="x@asp.fr", first_name="X", last_name="Y",
                           roles=[Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT])  # fmt: skip
    assert refusal.value.field == "roles"
    assert not User.objects.filter(email="x@asp.fr").exists()


def test_the_technical_administrators_role_is_never_granted(asp_admin):
    user = User.objects.create_user("neutre", email="n@asp.fr")
    with pytest.raises(NotAllowed):
        roles.assign_role(asp_admin, user, Role.ADMIN)
    # It supervises instruction but never pays (perms.ACTS_AS), so it never meets the paying agent's role.
    assert roles.separation_problem({Role.ADMIN}) is None
    assert roles.separation_problem({Role.ADMIN, Role.ASP_PAYING_AGENT})


def test_nobody_grants_or_withdraws_a_role_of_their_own(asp_admin):
    with pytest.raises(NotAllowed, match="lui-même"):
        roles.assign_role(asp_admin, asp_admin.user, Role.ASP_INSTRUCTOR)
    with pytest.raises(NotAllowed, match="lui-même"):
        roles.withdraw_role(asp_admin, asp_admin.user, Role.ASP_ADMIN)
    assert held(asp_admin.user) == {Role.ASP_ADMIN}


def test_each_house_grants_its_own_roles(asp_admin):
    ans_admin = agent("admin-ans", Role.ANS_ADMIN)
    user = User.objects.create_user("nouvel-agent", email="a@sante.fr")
    with pytest.raises(NotAllowed, match="Agent ANS"):
        roles.assign_role(asp_admin, user, Role.ANS_AGENT)
    with pytest.raises(NotAllowed, match="Instructeur ASP"):
        roles.assign_role(ans_admin, user, Role.ASP_INSTRUCTOR)
    roles.assign_role(ans_admin, user, Role.ANS_AGENT)
    instructor = agent("instructeur", Role.ASP_INSTRUCTOR)
    with pytest.raises(NotAllowed):
        roles.assign_role(instructor, user, Role.ASP_INSTRUCTOR)


def test_withdraw_then_grant_the_other_duty_is_journaled(asp_admin):
    user = agent("agent", Role.ASP_INSTRUCTOR).user
    roles.withdraw_role(asp_admin, user, Role.ASP_INSTRUCTOR)
    roles.assign_role(asp_admin, user, Role.ASP_PAYING_AGENT)
    assert held(user) == {Role.ASP_PAYING_AGENT}
    journal = list(AuditEntry.objects.values_list("action", "payload__role"))
    assert journal == [("role.withdrawn", Role.ASP_INSTRUCTOR), ("role.granted", Role.ASP_PAYING_AGENT)]


def test_a_supplier_member_gets_no_staff_role(asp_admin):
    supplier = member(Organisation.objects.create(name="Éditeur", siren="732829320"), "editeur")
    with pytest.raises(Conflict, match="fournisseur"):
        roles.assign_role(asp_admin, supplier.user, Role.ASP_INSTRUCTOR)


def test_unknown_role_names_the_field(asp_admin):
    user = User.objects.create_user("neutre")
    with pytest.raises(Refused, match="Rôle inconnu") as refusal:
        roles.assign_role(asp_admin, user, "dieu")
    assert refusal.value.field == "role"


@pytest.mark.django_db(transaction=True)
def test_two_administrators_racing_cannot_make_one_agent_validate_and_pay():
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    first, second = agent("admin-1", Role.ASP_ADMIN), agent("admin-2", Role.ASP_ADMIN)
    user = User.objects.create_user("convoite", email="c@asp.fr")
    grants = [(first, Role.ASP_INSTRUCTOR), (second, Role.ASP_PAYING_AGENT)]
    outcomes = run_together(lambda grant: roles.assign_role(grant[0], user, grant[1]), grants)
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Membership"]
    assert len(held(user)) == 1
    assert Principal.for_user(user).roles & {Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT}

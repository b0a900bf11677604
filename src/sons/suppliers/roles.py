"""Staff administration: ASP and ANS administrators create agents and give them roles.

Three rules hold at every assignment, here and only here (the portal and the API both call these functions):
- separation of duties: nobody holds both the right to validate a request and the right to pay it (what
  each role may do is perms.ACTS_AS's; the technical administrator validates but never pays);
- nobody grants or withdraws a role of their own;
- each house administers its own roles: the ASP's administrators the ASP's, the ANS's the ANS's.
Every change of role is written to the audit journal, with its author.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sons.audit.journal import record

from .emails import send_set_password
from .enums import Role
from .errors import Conflict, Invalid, NotAllowed
from .models import Membership
from .perms import PAYS, VALIDATES, Principal, acting_as

ASP_ROLES = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ASP_ADMIN)
ANS_ROLES = (Role.ANS_AGENT, Role.ANS_ADMIN)
GRANTED_BY = {Role.ASP_ADMIN: ASP_ROLES, Role.ANS_ADMIN: ANS_ROLES}


def separation_problem(roles) -> str | None:
    """Why an account holding `roles` would break the separation of duties (French), or None: the work each
    role may do is perms.ACTS_AS's, the one place that says it."""
    acts = acting_as(roles)
    if VALIDATES in acts and PAYS in acts:
        return (
            "Séparation des tâches : un même compte ne peut pas à la fois valider les demandes et les payer "
            "(instructeur et agent payeur, ou administrateur technique)."
        )
    return None


def grantable_roles(principal: Principal) -> tuple[str, ...]:
    """The roles `principal` may give or withdraw."""
    granted: list[str] = []
    for admin_role, roles in GRANTED_BY.items():
        if admin_role in principal.roles:
            granted += roles
    return tuple(granted)


def _check_grant(principal: Principal, user, role: str) -> None:
    if role not in grantable_roles(principal):
        raise NotAllowed(f"Vous ne pouvez pas attribuer ni retirer le rôle « {Role(role).label} ».", "role")
    if principal.user is not None and user.pk == principal.user.pk:
        raise NotAllowed("Personne ne peut s'attribuer ni se retirer un rôle lui-même.", "role")


def staff_roles_of(user) -> set[str]:
    return set(Membership.objects.filter(user=user, organisation__isnull=True).values_list("role", flat=True))


def assign_role(principal: Principal, user, role: str) -> Membership:
    """Give `role` to `user`, or refuse (French message naming the field `role`)."""
    if role not in Role.values or role == Role.SUPPLIER_MEMBER:
        raise Invalid("Rôle inconnu.", "role")
    _check_grant(principal, user, role)
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)  # one assignment at a time per account
        if Membership.objects.filter(user=user, role=Role.SUPPLIER_MEMBER).exists():
            raise Conflict(
                "Ce compte appartient à un fournisseur : il ne peut pas recevoir un rôle d'agent.", "role"
            )
        held = staff_roles_of(user)
        if role in held:
            raise Conflict(f"Ce compte a déjà le rôle « {Role(role).label} ».", "role")
        if problem := separation_problem(held | {role}):
            raise Conflict(problem, "role")
        membership = Membership.objects.create(
            user=user, role=role, granted_by=principal.user, granted_at=timezone.now()
        )
        record(
            "role.granted", actor=principal.label, target=("user", user.pk),
            payload={"user": user.get_username(), "role": role, "roles": sorted(held | {role})},
        )  # fmt: skip
    return membership


def withdraw_role(principal: Principal, user, role: str) -> None:
    _check_grant(principal, user, role)
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        deleted, _ = Membership.objects.filter(user=user, role=role, organisation__isnull=True).delete()
        if not deleted:
            raise Conflict(f"Ce compte n'a pas le rôle « {Role(role).label} ».", "role")
        record(
            "role.withdrawn", actor=principal.label, target=("user", user.pk),
            payload={"user": user.get_username(), "role": role, "roles": sorted(staff_roles_of(user))},
        )  # fmt: skip


def create_agent(principal: Principal, *, email: str, first_name: str, last_name: str, roles) -> object:
    """A new agent's account with its roles, inactive until the agent chooses a password (or signs in
    with ProConnect) through the link e-mailed to them."""
    email = (email or "").strip().lower()
    roles = list(dict.fromkeys(roles))
    if not email:
        raise Invalid("Adresse électronique obligatoire.", "email")
    if not roles:
        raise Invalid("Choisissez au moins un rôle.", "roles")
    if not principal.holds(Role.ASP_ADMIN, Role.ANS_ADMIN):
        raise NotAllowed("Action réservée aux administrateurs de l'ASP et de l'ANS.")
    for role in roles:
        if role not in grantable_roles(principal):
            raise NotAllowed(f"Vous ne pouvez pas attribuer le rôle « {Role(role).label} ».", "roles")
    if problem := separation_problem(roles):
        raise Conflict(problem, "roles")
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username=email).exists():
            raise Conflict("Un compte existe déjà pour cette adresse : attribuez-lui un rôle.", "email")
        user = User.objects.create_user(
            username=email,
            email=email,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record(
            "agent.created", actor=principal.label, target=("user", user.pk),
            payload={"user": email, "roles": roles},
        )  # fmt: skip
        for role in roles:
            assign_role(principal, user, role)
        send_set_password(user)
    return user

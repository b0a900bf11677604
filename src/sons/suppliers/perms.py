"""Who is acting: a user with a role, or a supplier organisation's API token (`Forbidden` when the role may not)."""

from dataclasses import dataclass

from sons.errors import Forbidden

from .enums import Role

STAFF_ROLES = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT, Role.ADMIN)

# Whose work each role may do. The administrator supervises instruction and referencing, but neither files
# for a supplier nor pays: separation of duties (the right to validate a request and the right to pay it
# are never held together) is checked where roles are assigned (`check_separation`, Membership.save).
ACTS_AS: dict[str, frozenset[str]] = {role: frozenset({role}) for role in Role} | {
    Role.ADMIN: frozenset({Role.ADMIN, Role.ASP_INSTRUCTOR, Role.ANS_AGENT}),
}
VALIDATES, PAYS = Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT


def check_separation(role: str) -> None:
    """Refuses a role that would both validate requests and pay them."""
    acts_as = ACTS_AS.get(role, frozenset({role}))
    if VALIDATES in acts_as and PAYS in acts_as:
        raise SeparationOfDuties(
            f"Rôle « {Role(role).label} » refusé : il validerait les demandes et les paierait "
            "(séparation des fonctions d'ordonnateur et de payeur)."
        )


class SeparationOfDuties(ValueError):
    """A role assignment that would give one person both the right to validate and the right to pay."""


@dataclass(frozen=True)
class Principal:
    role: str
    label: str
    user: object = None
    organisation: object = None
    token_id: int | None = None  # the API token it acts with, if any

    @property
    def organisation_id(self):
        return self.organisation.pk if self.organisation is not None else None

    @property
    def is_supplier(self) -> bool:
        return self.role == Role.SUPPLIER_MEMBER

    def may(self, *roles: str) -> bool:
        """Whether the principal may do the work of one of `roles`."""
        return not ACTS_AS.get(self.role, frozenset({self.role})).isdisjoint(roles)

    def require(self, *roles: str) -> None:
        if not self.may(*roles):
            labels = ", ".join(Role(role).label for role in roles)
            raise Forbidden(f"Action réservée au rôle : {labels}.")

    @classmethod
    def for_user(cls, user) -> "Principal":
        membership = getattr(user, "membership", None)
        if membership is None:
            raise Forbidden("Aucun rôle n'est attribué à cet utilisateur.")
        return cls(membership.role, user.get_username(), user, membership.organisation)

    @classmethod
    def system(cls) -> "Principal":
        return cls(Role.ADMIN, "système")

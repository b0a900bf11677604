"""Who is acting: a user with a role, or a supplier organisation's API token (`Forbidden` when the role may not)."""

from dataclasses import dataclass

from sons.errors import Forbidden

from .enums import Role

STAFF_ROLES = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT, Role.ADMIN)


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
        """One of `roles`, or the administrator, who may do everything."""
        return self.role in roles or self.role == Role.ADMIN

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

"""Who is acting: a user with their roles, or a supplier organisation's API token; querysets scoped to it."""

from dataclasses import dataclass, field

from sons.errors import Forbidden

from .enums import MemberRole, Role

STAFF_ROLES = (
    Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ASP_ADMIN, Role.ANS_AGENT, Role.ANS_ADMIN, Role.ADMIN,
)  # fmt: skip
# The roles whose holders must sign in with a second factor (TOTP): they release money or give roles.
SECOND_FACTOR_ROLES = frozenset({Role.ASP_PAYING_AGENT, Role.ASP_ADMIN, Role.ANS_ADMIN, Role.ADMIN})
# The role an account's pages open on, when it holds several: the first of this order.
PRIMARY_ORDER = (
    Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT, Role.ASP_ADMIN,
    Role.ANS_ADMIN, Role.ADMIN,
)  # fmt: skip

# Whose work each role may do. The administrator supervises instruction and referencing, but neither files
# for a supplier nor pays: separation of duties (the right to validate a request and the right to pay it
# are never held together) is checked where roles are assigned (`check_separation`, Membership.save).
ACTS_AS: dict[str, frozenset[str]] = {role: frozenset({role}) for role in Role} | {
    Role.ADMIN: frozenset({Role.ADMIN, Role.ASP_INSTRUCTOR, Role.ANS_AGENT}),
}
VALIDATES, PAYS = Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT


def acting_as(roles) -> frozenset[str]:
    """The work an account holding `roles` may do."""
    return frozenset().union(*(ACTS_AS.get(role, frozenset({role})) for role in roles))


def check_separation(role: str, *held: str) -> None:
    """Refuses `role` when it, or it beside the roles already `held` by the same account, would both validate
    requests and pay them."""
    acts_as = acting_as({role, *held})
    if VALIDATES in acts_as and PAYS in acts_as:
        raise SeparationOfDuties(
            f"Rôle « {Role(role).label} » refusé : le compte validerait les demandes et les paierait "
            "(séparation des fonctions d'ordonnateur et de payeur)."
        )


class SeparationOfDuties(ValueError):
    """A role assignment that would give one person both the right to validate and the right to pay."""


@dataclass(frozen=True)
class Principal:
    role: str  # the primary role (pages, navigation); `roles` holds every role of the account
    label: str
    user: object = None
    organisation: object = None
    roles: frozenset = field(default=frozenset())
    # Within a supplier organisation: administrator, filer or reader; None for an organisation's own token,
    # which files as the organisation's systems do.
    member_role: str | None = None

    def __post_init__(self):
        if not self.roles:
            object.__setattr__(self, "roles", frozenset({self.role}))

    token_id: int | None = None  # the API token it acts with, if any

    @property
    def organisation_id(self):
        return self.organisation.pk if self.organisation is not None else None

    @property
    def is_supplier(self) -> bool:
        return self.role == Role.SUPPLIER_MEMBER

    @property
    def is_organisation_admin(self) -> bool:
        return self.is_supplier and self.member_role == MemberRole.ADMINISTRATOR

    @property
    def may_file(self) -> bool:
        """A reader only reads: filing, answering, uploading belong to filers and administrators."""
        return self.is_supplier and self.member_role != MemberRole.READER

    def holds(self, *roles: str) -> bool:
        """Whether the account may do the work of one of `roles` (ACTS_AS: the administrator supervises
        instruction and referencing, but never pays)."""
        return not acting_as(self.roles).isdisjoint(roles)

    def may(self, *roles: str) -> bool:
        """Whether `require(*roles)` would let the principal act."""
        return self.holds(*roles) and (not self.is_supplier or self.may_file)

    def require(self, *roles: str) -> None:
        """For actions: one of `roles` is needed, and a supplier's reader may not act."""
        if not self.holds(*roles):
            labels = ", ".join(Role(role).label for role in roles)
            raise Forbidden(f"Action réservée au rôle : {labels}.")
        if self.is_supplier and not self.may_file:
            raise Forbidden("Votre rôle de lecteur dans l'organisation ne permet que la consultation.")

    @classmethod
    def for_user(cls, user, memberships=None) -> "Principal":
        """`memberships`: the user's rows when already loaded (the API's token cache)."""
        rows = list(
            memberships if memberships is not None else user.memberships.select_related("organisation")
        )
        if not rows:
            raise Forbidden("Aucun rôle n'est attribué à cet utilisateur.")
        roles = frozenset(row.role for row in rows)
        primary = next(role for role in PRIMARY_ORDER if role in roles)
        member = next((row for row in rows if row.role == Role.SUPPLIER_MEMBER), None)
        if member is not None:
            return cls(primary, user.get_username(), user, member.organisation, roles, member.member_role)
        return cls(primary, user.get_username(), user, None, roles)

    @classmethod
    def system(cls) -> "Principal":
        return cls(Role.ADMIN, "système")

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.roles & SECOND_FACTOR_ROLES)

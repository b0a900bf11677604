"""Who may open a page of the portal: a signed-in user holding one of the page's roles (and, in a supplier
organisation, one of its member roles); foreign objects 404."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from sons.accounts.twofactor import request_principal
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.perms import Principal

STAFF = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT)
ASP = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
# Within a supplier organisation: who may file (filers and administrators) and who administers.
FILERS = (MemberRole.ADMINISTRATOR, MemberRole.FILER)
ADMINISTRATORS = (MemberRole.ADMINISTRATOR,)
MEMBER_REFUSALS = {
    FILERS: "Votre rôle de lecteur dans l'organisation ne permet que la consultation.",
    ADMINISTRATORS: "Page réservée aux administrateurs de l'organisation.",
}


def principal_of(request) -> Principal | None:
    if not request.user.is_authenticated:
        return None
    return request_principal(request)


def role_required(*roles: str, members: tuple[str, ...] | None = None):
    """The view gets `request.principal`; anonymous users go to the sign-in page, other roles get a 403.
    `members`: the member roles a supplier needs (e.g. FILERS for a page that files)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            principal = principal_of(request)
            if principal is None:
                raise PermissionDenied("Aucun rôle n'est attribué à ce compte.")
            if not principal.holds(*roles):
                labels = ", ".join(Role(role).label for role in roles)
                raise PermissionDenied(f"Page réservée au rôle : {labels}.")
            if members and principal.is_supplier and principal.member_role not in members:
                raise PermissionDenied(MEMBER_REFUSALS.get(members, "Votre rôle ne permet pas cette action."))
            request.principal = principal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

"""Who may open a page of the portal: a signed-in user whose role is one of the page's; foreign objects 404."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from sons.suppliers.enums import Role
from sons.suppliers.perms import Forbidden, Principal

STAFF = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT)
ASP = (Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)


def principal_of(request) -> Principal | None:
    if not request.user.is_authenticated:
        return None
    try:
        return Principal.for_user(request.user)
    except Forbidden:
        return None


def role_required(*roles: str):
    """The view gets `request.principal`; anonymous users go to the sign-in page, other roles get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            principal = principal_of(request)
            if principal is None:
                raise PermissionDenied("Aucun rôle n'est attribué à ce compte.")
            try:
                principal.require(*roles)
            except Forbidden as error:
                raise PermissionDenied(str(error)) from None
            request.principal = principal
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

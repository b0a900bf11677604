"""Who calls the API: a bearer token (a supplier organisation's system, or a staff user), or a session."""

from ninja.security import HttpBearer

from sons.suppliers.enums import Role
from sons.suppliers.models import ApiToken, hash_token
from sons.suppliers.perms import Forbidden, Principal


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("organisation__enrolment", "user__membership__organisation")
            .filter(key_hash=hash_token(token), revoked=False)
            .first()
        )
        if found is None:
            return None
        if found.organisation is not None:
            label = f"{found.organisation.name} (jeton « {found.label} »)"
            principal = Principal(Role.SUPPLIER_MEMBER, label, found.user, found.organisation)
        else:
            try:
                principal = Principal.for_user(found.user)
            except Forbidden:
                return None
        request.principal = principal
        return principal


def session_auth(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        principal = Principal.for_user(user)
    except Forbidden:
        return None
    request.principal = principal
    return principal

"""Who calls the API: a bearer token (a supplier organisation's system, or a staff user), or a session."""

import time

from ninja.security import HttpBearer

from sons.suppliers.enums import Role
from sons.suppliers.models import ApiToken, hash_token
from sons.suppliers.perms import Forbidden, Principal

# Resolving a token costs a four-table query, about 15 % of a filing: the answer is kept a few seconds in
# the process. A revoked token therefore stops working within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 10
_cache: dict[str, tuple[float, Principal]] = {}


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        key = hash_token(token)
        now = time.monotonic()
        cached = _cache.get(key)
        if cached is not None and cached[0] > now:
            request.principal = cached[1]
            return cached[1]
        principal = self.resolve(key)
        if principal is not None:
            if len(_cache) > 10_000:
                _cache.clear()
            _cache[key] = (now + TOKEN_CACHE_SECONDS, principal)
            request.principal = principal
        return principal

    @staticmethod
    def resolve(key: str) -> Principal | None:
        found = (
            ApiToken.objects.select_related("organisation__enrolment", "user")
            .prefetch_related("user__memberships__organisation")
            .filter(key_hash=key, revoked=False)
            .first()
        )
        if found is None:
            return None
        if found.organisation is not None and found.user is None:
            label = f"{found.organisation.name} (jeton « {found.label} »)"
            principal = Principal(Role.SUPPLIER_MEMBER, label, None, found.organisation)
        else:
            try:
                principal = Principal.for_user(found.user, found.user.memberships.all())
            except Forbidden:
                return None
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

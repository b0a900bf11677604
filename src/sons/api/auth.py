"""Who calls the API: a bearer token (a supplier organisation's system, or a staff user), or a session.

A token works while it is neither revoked nor expired and while the user it belongs to (or who issued it,
for an organisation's token) is active: that is checked on every request, by one indexed query, so a
revocation or a deactivation takes effect at once. What the token stands for (its principal: role,
organisation, label) costs a four-table query, about 15 % of a filing: it is kept TOKEN_CACHE_SECONDS in the
process, so a change of role takes effect within that time.

A session authenticates only with its CSRF token (django-ninja's session authentication checks it), so a page
of another site cannot act with a signed-in user's cookie.
"""

from __future__ import annotations

import time
from dataclasses import replace

from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sons.suppliers.enums import Role
from sons.suppliers.models import ApiToken, hash_token
from sons.suppliers.perms import Forbidden, Principal

TOKEN_CACHE_SECONDS = 10
_cache: dict[str, tuple[float, Principal]] = {}


def usable_tokens():
    """Tokens that may act now: not revoked, not expired, their user and issuer active."""
    return ApiToken.objects.filter(revoked=False, expires_at__gt=timezone.now()).filter(
        Q(user__isnull=True) | Q(user__is_active=True),
        Q(created_by__isnull=True) | Q(created_by__is_active=True),
    )


def principal_for_token(token: str) -> Principal | None:
    key = hash_token(token)
    if not usable_tokens().filter(key_hash=key).exists():
        _cache.pop(key, None)
        return None
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    principal = resolve(key)
    if principal is not None:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (now + TOKEN_CACHE_SECONDS, principal)
    return principal


def resolve(key: str) -> Principal | None:
    """An organisation's token acts as the organisation's systems (filing); a member's or an agent's token
    acts with that person's roles (a reader's token only reads)."""
    found = (
        ApiToken.objects.select_related("organisation__enrolment", "user")
        .prefetch_related("user__memberships__organisation")
        .filter(key_hash=key)
        .first()
    )
    if found is None:
        return None
    if found.organisation is not None and found.user is None:
        label = f"{found.organisation.name} (jeton « {found.label} »)"
        return Principal(Role.SUPPLIER_MEMBER, label, None, found.organisation, token_id=found.pk)
    try:
        principal = Principal.for_user(found.user, found.user.memberships.all())
    except Forbidden:
        return None
    return replace(principal, token_id=found.pk)


def principal_for_user(user) -> Principal | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return Principal.for_user(user)
    except Forbidden:
        return None


def principal_of_request(request) -> Principal | None:
    """The caller as the API will see it (bearer token first, then session), for the middlewares."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization.lower().startswith("bearer "):
        return principal_for_token(authorization[7:].strip())
    return principal_for_user(getattr(request, "user", None))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        principal = principal_for_token(token)
        if principal is not None:
            request.principal = principal
        return principal


class PortalSession(SessionAuth):
    """The signed-in user's session, with its CSRF token checked (raises 403 without it)."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None  # no session: not authenticated (401), rather than a CSRF refusal (403)
        return super()._get_key(request)

    def authenticate(self, request, key):
        if key is None:
            return None
        principal = principal_for_user(request.user)
        if principal is not None:
            request.principal = principal
        return principal


session_auth = PortalSession()

"""ProConnect, the OpenID Connect sign-in of the French administration, through mozilla-django-oidc.

Authorisation code flow with PKCE (S256); the library checks the state (kept in the session) and the nonce;
this backend also checks the ID token's signature, issuer, audience and expiry, and reads the userinfo answer,
which ProConnect signs (application/jwt). At a person's first ProConnect sign-in, their account is found:
1. by the ProConnect identity already linked (`sub`);
2. by e-mail: an account created by an administrator (agents) or an open invitation to an organisation;
3. by the SIRET ProConnect returns: a member (reader) of the supplier organisation enrolled with that SIRET,
   whose administrators are told and choose the role;
otherwise nobody is signed in and nothing is created: the person gets a page that explains how to join.
Configured by environment (OIDC_*, docs/operations.md); off when OIDC_RP_CLIENT_ID is empty."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView
from requests import RequestException

from sons.audit.journal import record
from sons.suppliers.emails import deliver
from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Invitation, Membership, Organisation

from .models import ProConnectIdentity

logger = logging.getLogger(__name__)
UNKNOWN_SESSION_KEY = "proconnect_unknown"
# The clocks of ProConnect and SONS may differ a little.
LEEWAY_SECONDS = 30


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class ProConnectRefused(Exception):
    """A ProConnect sign-in that cannot go on (French message for the person)."""


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not enabled() or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def get_token(self, payload):
        try:
            return super().get_token(payload)
        except RequestException as error:
            logger.warning("ProConnect a refusé le code : %s", error)
            raise ProConnectRefused(
                "ProConnect a refusé le code de connexion (déjà utilisé ou expiré). Recommencez la connexion."
            ) from None

    def verify_token(self, token, **kwargs):
        """The ID token (with a nonce) or the signed userinfo: signature, issuer, audience, expiry, nonce."""
        if not token:
            raise ProConnectRefused("ProConnect n'a pas renvoyé de jeton d'identité.")
        is_id_token = "nonce" in kwargs
        try:
            key = self.retrieve_matching_jwk(token) if self.OIDC_RP_SIGN_ALGO[:2] in ("RS", "ES") else (
                self.OIDC_RP_CLIENT_SECRET)  # fmt: skip
            header = jwt.get_unverified_header(token)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise ProConnectRefused("Jeton ProConnect signé avec un algorithme inattendu.")
            payload = jwt.decode(
                token, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub"] if is_id_token else ["sub"]},
            )  # fmt: skip
        except jwt.ExpiredSignatureError:
            raise ProConnectRefused(
                "Le jeton d'identité ProConnect a expiré. Recommencez la connexion."
            ) from None
        except (jwt.InvalidTokenError, SuspiciousOperation, RequestException, KeyError) as error:
            logger.warning("Jeton ProConnect refusé : %s", error)
            raise ProConnectRefused("Jeton ProConnect invalide. Recommencez la connexion.") from None
        if is_id_token and payload.get("nonce") != kwargs["nonce"]:
            raise ProConnectRefused(
                "Jeton ProConnect rejoué ou détourné (nonce différent). Recommencez la connexion."
            )
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except RequestException:
            raise ProConnectRefused("ProConnect n'a pas donné les informations de la personne.") from None
        if claims.get("sub") != payload.get("sub"):
            raise ProConnectRefused(
                "Les informations de ProConnect ne correspondent pas au jeton d'identité."
            )
        user = match(claims)
        if user is None:
            self.request.session[UNKNOWN_SESSION_KEY] = {
                "email": str(claims.get("email", ""))[:254],
                "given_name": str(claims.get("given_name", ""))[:150],
                "usual_name": str(claims.get("usual_name", ""))[:150],
                "siret": str(claims.get("siret", ""))[:14],
            }
        return user


def _full_name(claims: dict) -> tuple[str, str]:
    return str(claims.get("given_name", ""))[:150], str(
        claims.get("usual_name") or claims.get("family_name", "")
    )[:150]


def match(claims: dict):
    """The SONS account of a ProConnect identity, linked at its first sign-in; None for an unknown person."""
    sub = str(claims.get("sub", ""))
    email = str(claims.get("email", "")).strip().lower()
    siret = "".join(ch for ch in str(claims.get("siret", "")) if ch.isdigit())
    User = get_user_model()
    with transaction.atomic():
        identity = ProConnectIdentity.objects.select_related("user").filter(sub=sub).first()
        if identity is not None:
            identity.last_sign_in = timezone.now()
            identity.save(update_fields=["last_sign_in"])
            return identity.user
        how = ""
        user = User.objects.filter(email__iexact=email).first() if email else None
        if user is not None:
            how = "email"
        elif email and (invitation := _open_invitation(email)) is not None:
            user = _account(email, claims)
            Membership.objects.create(
                user=user, organisation=invitation.organisation, role=Role.SUPPLIER_MEMBER,
                member_role=invitation.member_role, granted_by=invitation.invited_by,
            )  # fmt: skip
            invitation.accepted_at, invitation.accepted_by = timezone.now(), user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            record("member.joined", actor=email, target=invitation.organisation,
                   payload={"email": email, "member_role": invitation.member_role, "invitation": invitation.pk,
                            "through": "proconnect"})  # fmt: skip
            how = "invitation"
        elif email and siret and (organisation := _organisation(siret)) is not None:
            user = _account(email, claims)
            Membership.objects.create(
                user=user, organisation=organisation, role=Role.SUPPLIER_MEMBER, member_role=MemberRole.READER
            )
            record("member.joined", actor=email, target=organisation,
                   payload={"email": email, "member_role": MemberRole.READER, "siret": siret,
                            "through": "proconnect"})  # fmt: skip
            _tell_administrators(organisation, user)
            how = "siret"
        if user is None:
            return None
        ProConnectIdentity.objects.create(user=user, sub=sub, siret=siret, last_sign_in=timezone.now())
        record(
            "proconnect.linked",
            actor=user,
            target=("user", user.pk),
            payload={"matched_by": how, "siret": siret},
        )
        return user


def _open_invitation(email: str) -> Invitation | None:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by")
        .filter(email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )


def _organisation(siret: str) -> Organisation | None:
    return Organisation.objects.filter(siret=siret, pending_since=None).first()


def _account(email: str, claims: dict):
    first, last = _full_name(claims)
    user = get_user_model().objects.create_user(username=email, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def _tell_administrators(organisation: Organisation, user) -> None:

    admins = Membership.objects.filter(organisation=organisation, member_role=MemberRole.ADMINISTRATOR)
    for admin in admins.select_related("user"):
        deliver(admin.user.email, "member_joined_by_siret", {"organisation": organisation, "member": user})


# --- Views ----------------------------------------------------------------------------------------------------


class CallbackView(OIDCAuthenticationCallbackView):
    """mozilla-django-oidc's callback, with French pages instead of a redirect or a 400 when it fails."""

    def get(self, request):
        request.session.pop(UNKNOWN_SESSION_KEY, None)
        try:
            return super().get(request)
        except ProConnectRefused as refusal:
            return failure(request, str(refusal))
        except SuspiciousOperation:  # the state is not one this browser's session started
            return failure(
                request, "La réponse de ProConnect ne correspond à aucune connexion commencée dans ce navigateur "
                "(paramètre « state » inconnu). Recommencez la connexion."
            )  # fmt: skip

    def login_success(self):
        record("proconnect.signed_in", actor=self.user, target=("user", self.user.pk), payload={})
        return super().login_success()

    def login_failure(self):
        unknown = self.request.session.get(UNKNOWN_SESSION_KEY)
        if unknown:
            return redirect("portal:proconnect_unknown")
        if self.request.GET.get("error"):
            return failure(self.request, "ProConnect n'a pas autorisé la connexion "
                           f"({self.request.GET.get('error')[:100]}).")  # fmt: skip
        return failure(self.request, "La connexion par ProConnect a échoué. Recommencez, ou connectez-vous avec "
                       "votre mot de passe.")  # fmt: skip


def failure(request, message: str):
    if request.user.is_authenticated:
        auth.logout(request)
    return render(request, "portal/account/proconnect_failed.html", {"message": message}, status=403)


def provider_logout_url(request) -> str:
    """The end of the ProConnect session (RP-initiated logout), then back to SONS's home page."""
    id_token = request.session.get("oidc_id_token")
    if not (enabled() and id_token and settings.OIDC_OP_LOGOUT_ENDPOINT):
        return reverse("portal:home")
    query = {
        "id_token_hint": id_token,
        "state": get_random_string(32),
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("portal:home")),
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(query)}"

"""Accounts: ProConnect (OpenID Connect, mozilla-django-oidc), the second factor (django-otp), the links sent by
e-mail. Everything comes from the environment (docs/operations.md, « Comptes et connexion »)."""

import os

# The address the e-mails' links point to (the public address of the portal).
SONS_BASE_URL = os.environ.get("SONS_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("SONS_EMAIL_FROM", "SONS <ne-pas-repondre@sons.asp-public.fr>")
# Sign-up confirmations, password resets and agents' first passwords are valid 3 days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600


# --- ProConnect: off while OIDC_RP_CLIENT_ID is empty. ---------------------------------------------------------
# OIDC_OP_BASE_URL is the provider's issuer, e.g. https://auth.agentconnect.gouv.fr/api/v2 (production) or
# https://fca.integ01.dev-agentconnect.fr/api/v2 (integration); each endpoint can be given on its own.
_base = os.environ.get("OIDC_OP_BASE_URL", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email given_name usual_name siret uid")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", _base)
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", f"{_base}/authorize")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", f"{_base}/token")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", f"{_base}/userinfo")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", f"{_base}/jwks")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", f"{_base}/session/end")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # for the logout at ProConnect (id_token_hint)
OIDC_CREATE_USER = False  # nobody gets an account silently: see sons.accounts.proconnect.match
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:proconnect_callback"
OIDC_TIMEOUT = 10
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": os.environ.get("OIDC_ACR_VALUES", "eidas1")}

# --- The second factor ------------------------------------------------------------------------------------------
OTP_TOTP_ISSUER = "SONS"
# After 1, 2, 4… wrong codes, django-otp refuses the next attempt for that many seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

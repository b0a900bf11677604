"""SONS_EMAIL_URL → Django's EMAIL_* settings.

    smtp://user:password@host:587            SMTP with STARTTLS (port 587 or ?tls=1)
    smtps://user:password@host:465           SMTP over TLS
    smtp://localhost:25                      the machine's relay, no TLS (the default)
    anymail+brevo://API_KEY@                 a provider through django-anymail (brevo, mailjet, sendgrid,
                                             postmark, amazon_ses, mailgun, scaleway…): the key goes to
                                             ANYMAIL["<PROVIDER>_API_KEY"]
    console://                               printed on stdout (a trial installation)

User and password are percent-decoded (a « @ » in a password is written %40).
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

SMTP = "django.core.mail.backends.smtp.EmailBackend"
TRUE = {"1", "true", "yes", "oui"}


def email_settings(url: str) -> dict:
    """The settings for `url`; ValueError with a French message when it cannot be read."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("adresse illisible") from None
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme.startswith("anymail+"):
        provider = scheme.removeprefix("anymail+").replace("-", "_")
        if not provider.isidentifier() or not parts.username:
            raise ValueError("« anymail+FOURNISSEUR://CLÉ@ » attendu")
        return {
            "EMAIL_BACKEND": f"anymail.backends.{provider}.EmailBackend",
            "ANYMAIL": {f"{provider.upper()}_API_KEY": unquote(parts.username)},
        }
    if scheme not in ("smtp", "smtps"):
        raise ValueError(f"schéma « {scheme} » inconnu (smtp, smtps, anymail+FOURNISSEUR, console)")
    if not parts.hostname:
        raise ValueError("serveur SMTP manquant")
    ssl = scheme == "smtps"
    port = port or (465 if ssl else 25)
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and (port == 587 or query.get("tls", "").lower() in TRUE),
        "EMAIL_TIMEOUT": 10,
    }

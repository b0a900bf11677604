"""The e-mails of joining SONS: sign-up confirmation, invitation, an agent's first password, in French.

Each is sent once the transaction that causes it commits (a rolled-back sign-up sends nothing). `deliver`
is the one place that hands a message to Django's mail backend: SMTP, or a provider through django-anymail,
as `SONS_EMAIL_URL` says."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .tokens import sign_up_tokens, uid_of

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SONS_BASE_URL.rstrip("/") + path


def deliver(to: str, template: str, context: dict) -> None:
    """Render `emails/<template>.txt` (its first line is the subject) and send it after the commit."""
    text = render_to_string(f"emails/{template}.txt", {**context, "site": settings.SONS_BASE_URL})
    subject, _, body = text.partition("\n")
    message = EmailMultiAlternatives(
        subject=subject.strip(), body=body.lstrip("\n"), from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )

    def send():
        try:
            message.send()
        except OSError:  # the mail server is down: logged, the person can ask for the link again
            logger.exception("Échec de l'envoi du courriel « %s » à %s", template, to)

    transaction.on_commit(send)


def send_sign_up_confirmation(user, organisation) -> None:
    link = absolute(reverse("portal:sign_up_confirm", args=[uid_of(user), sign_up_tokens.make_token(user)]))
    deliver(user.email, "sign_up_confirmation", {"user": user, "organisation": organisation, "link": link})


def send_invitation(invitation, key: str) -> None:
    link = absolute(reverse("portal:invitation", args=[key]))
    deliver(invitation.email, "invitation", {"invitation": invitation, "link": link})


def send_set_password(user) -> None:
    """An agent's account was created: the link to choose a password (Django's reset link, 3 days)."""
    link = absolute(
        reverse(
            "portal:password_reset_confirm", args=[uid_of(user), default_token_generator.make_token(user)]
        )
    )
    deliver(user.email, "agent_created", {"user": user, "link": link})

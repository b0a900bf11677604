"""The e-mails of joining SONS: sign-up confirmation, invitation, an agent's first password, password reset,
in French.

Each is a job of the queue (sons.jobs), written in the transaction of the change that causes it: a rolled-back
sign-up sends nothing, and a sign-up committed is e-mailed even if the process dies just after. The worker
hands the message to Django's mail backend: SMTP, or a provider through django-anymail (`SONS_EMAIL_URL`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from sons.jobs import enqueue

from .tokens import sign_up_tokens, uid_of


def absolute(path: str) -> str:
    return settings.SONS_BASE_URL.rstrip("/") + path


@task()
def send_email(to: str, subject: str, body: str) -> str:
    """The job: one message to one address (a failure leaves the job failed, to be seen and retried)."""
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()
    return to


def deliver_text(to: str, subject: str, body: str) -> None:
    enqueue(send_email, to, " ".join(subject.split())[:200], body)


def deliver(to: str, template: str, context: dict) -> None:
    """Render `emails/<template>.txt` (its first line is the subject) and queue it with the current change."""
    text = render_to_string(f"emails/{template}.txt", {**context, "site": settings.SONS_BASE_URL})
    subject, _, body = text.partition("\n")
    deliver_text(to, subject, body.lstrip("\n"))


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

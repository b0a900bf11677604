"""Telling events: a fan-out job runs the events' hooks (the webhook deliveries), gives each person concerned a
notification (their notification centre), and queues the e-mails of those who want them at once in a job of
their own (one SMTP connection per job; an e-mail that fails becomes a job of its own); the others get a daily
digest.

Every job is idempotent (a worker killed mid-job runs it again): a notification is unique per person and event,
an e-mail is marked sent and not sent again once marked. Delivery is therefore at least once; the event's
stable id (`evt_<id>`, in the `X-SONS-Event` header) lets anyone drop a duplicate.

Who is concerned: the members of the event's organisation (never another's), the ASP's instructors for the
events that are theirs (answers, filings). The role codes are sons.suppliers.enums.Role's (tested equal):
this package sits below the domain apps and does not import them.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as database
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tasks import task

from sons.jobs import enqueue

from .enums import Audience, Delivery
from .hooks import EVENT_HOOKS
from .models import Event, Notification, Preference

logger = logging.getLogger("sons.notifications")

SUPPLIER_MEMBER = "supplier_member"  # sons.suppliers.enums.Role.SUPPLIER_MEMBER
ASP_INSTRUCTOR = "asp_instructor"  # sons.suppliers.enums.Role.ASP_INSTRUCTOR
STAFF_ROLES = ("asp_instructor", "asp_paying_agent", "asp_admin", "ans_agent", "ans_admin", "admin")


def absolute(path: str) -> str:
    return settings.SONS_BASE_URL.rstrip("/") + path


def recipients_filter(event: Event) -> Q:
    """The people an event concerns, as a filter on users (active ones only)."""
    members = Q(memberships__role=SUPPLIER_MEMBER, memberships__organisation_id=event.organisation_id)
    instructors = Q(memberships__role=ASP_INSTRUCTOR)
    if event.audience == Audience.INSTRUCTORS:
        return instructors
    if event.audience == Audience.BOTH:
        return (members | instructors) if event.organisation_id else instructors
    return members if event.organisation_id else Q(pk__in=[])


def recipients(event: Event):
    return get_user_model().objects.filter(recipients_filter(event), is_active=True).distinct()


def still_concerned(user, event: Event) -> bool:
    """Whether `user` is still among the event's people when the e-mail leaves (a member who left the
    organisation since is told nothing more of it)."""
    return get_user_model().objects.filter(recipients_filter(event), pk=user.pk, is_active=True).exists()


def is_staff_user(user) -> bool:
    return user.memberships.filter(role__in=STAFF_ROLES).exists()


def delivery_of(user) -> str:
    """The user's choice; without one, a member gets each e-mail at once, an agent a daily digest."""
    chosen = Preference.objects.filter(user=user).values_list("delivery", flat=True).first()
    if chosen:
        return chosen
    return Delivery.DIGEST if is_staff_user(user) else Delivery.IMMEDIATE


@task(priority=5)  # ahead of the e-mails waiting: however many queue, an event's webhooks are made at once
def fan_out(event_ids: list[int]) -> int:
    """The hooks of these events first (webhook deliveries, sons.notifications.hooks.EVENT_HOOKS), in one
    transaction: their rows and jobs together, or not at all; then their notifications (missing ones only);
    then one job `send_emails` for the e-mails to send at once. Database work only, no SMTP: a backlog of
    e-mails waits in its own jobs, behind this one. Run again, the job makes nothing twice (each hook is
    idempotent, a notification unique per person and event). Returns how many e-mails it queued."""
    events = list(Event.objects.filter(pk__in=event_ids).order_by("pk"))
    with transaction.atomic():
        for hook in EVENT_HOOKS:
            hook(events)
    people, choices, to_send = {}, {}, []  # read once per job: the same organisation's members, instructors
    for event in events:
        key = (event.audience, event.organisation_id)
        if key not in people:
            people[key] = list(recipients(event))
        users = people[key]
        for user in users:
            if user.pk not in choices:
                choices[user.pk] = delivery_of(user)
        Notification.objects.bulk_create(
            [Notification(recipient=user, event=event) for user in users], ignore_conflicts=True
        )
        immediate = {user.pk for user in users if user.email and choices[user.pk] == Delivery.IMMEDIATE}
        to_send += Notification.objects.filter(
            event=event, recipient_id__in=immediate, emailed_at__isnull=True
        ).values_list("pk", flat=True)
    if to_send:
        enqueue(send_emails, to_send)
    return len(to_send)


@task()
def send_emails(notification_ids: list[int]) -> int:
    """The e-mails of these notifications, on one SMTP connection, each marked sent as it goes. An e-mail that
    fails becomes a job of its own (`send_notification`), so that one bad address or a server hiccup delays
    only that one. Run again, the job sends only what is not marked sent: at least once, never more than the
    one in flight. Returns how many were sent."""
    sent, smtp = 0, get_connection()
    try:
        smtp.open()  # one connection for the job's e-mails (a failure here: each send below tries again)
    except Exception:
        logger.warning("Serveur de courriel injoignable pour la diffusion", exc_info=True)
    try:
        for pk in notification_ids:
            try:
                sent += bool(email_notification(pk, smtp))
            except Exception:  # the server refused or dropped this one: it gets a job of its own
                logger.warning("Courriel de la notification %s en échec : remis à un travail propre", pk,
                               exc_info=True)  # fmt: skip
                enqueue(send_notification, pk)
    finally:
        smtp.close()
    return sent


def dossier_link(event: Event, staff: bool = False) -> str:
    if event.dossier_id is None:
        return ""
    try:
        return absolute(reverse("portal:dossier", args=[event.dossier_id]))
    except NoReverseMatch:  # pragma: no cover - the portal not installed
        return ""


def centre_link() -> str:
    try:
        return absolute(reverse("portal:notifications"))
    except NoReverseMatch:  # pragma: no cover
        return ""


def render(template: str, context: dict) -> tuple[str, str, str]:
    """`emails/<template>.txt` (its first line is the subject) and `.html`: (subject, text, html)."""
    context = {**context, "site": settings.SONS_BASE_URL}
    text = render_to_string(f"emails/{template}.txt", context)
    subject, _, body = text.partition("\n")
    html = render_to_string(f"emails/{template}.html", {**context, "subject": subject.strip()})
    return " ".join(subject.split())[:200], body.lstrip("\n"), html


def send(to: str, subject: str, text: str, html: str, headers: dict | None = None, connection=None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                                     headers=headers or {}, connection=connection)  # fmt: skip
    message.attach_alternative(html, "text/html")
    message.send()


def summary(event: Event) -> dict:
    """What a notification shows: its title, its lines and its link (the centre, the e-mails, the digest)."""
    from .texts import describe

    return describe(event)


def email_notification(notification_id: int, connection=None) -> str:
    """Send the e-mail of one notification unless it is marked sent, then mark it; the address, or "". The
    notification is locked while its e-mail goes: two jobs holding it (a fan-out run again queues its e-mails
    again) never send it at once — the second skips it, and finds it marked if it comes back."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(
                of=("self",), skip_locked=database.features.has_select_for_update_skip_locked
            )
            .select_related("event", "recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:  # sent already, or being sent by another job
            return ""
        event, user = notification.event, notification.recipient
        if not still_concerned(user, event):
            return ""
        subject, text, html = render("notification", {"user": user, "event": event, "notice": summary(event),
                                                       "centre": centre_link()})  # fmt: skip
        send(user.email, subject, text, html, {"X-SONS-Event": event.public_id}, connection=connection)
        Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return user.email


@task(priority=10)  # before the fan-outs waiting: a failed e-mail is tried again soon
def send_notification(notification_id: int) -> str:
    """One e-mail for one notification, once (a retried job finding it sent does nothing); a failure leaves the
    job failed, to be seen and retried (docs/operations.md)."""
    return email_notification(notification_id) or "déjà envoyé"


def send_digests(extra=None, now=None) -> int:
    """The daily digest of each person who asked for one (and every agent by default): their notifications not
    yet e-mailed nor digested, and what `extra(user)` adds (the instructors' queue); how many were sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(emailed_at__isnull=True, digested_at__isnull=True)
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    candidates = users.filter(pk__in=pending.values("recipient_id"))
    if extra is not None:
        candidates = users.filter(
            Q(pk__in=candidates.values("pk")) | Q(memberships__role=ASP_INSTRUCTOR)
        ).distinct()
    sent, day = 0, timezone.localdate(now)
    done_today = set(Preference.objects.filter(last_digest_on=day).values_list("user_id", flat=True))
    for user in candidates.order_by("pk"):
        if user.pk in done_today or delivery_of(user) != Delivery.DIGEST:
            continue
        mine = list(pending.filter(recipient=user).select_related("event").order_by("event_id")[:200])
        mine = [n for n in mine if still_concerned(user, n.event)]
        queue = extra(user) if extra is not None else []
        if not mine and not any(row["count"] for row in queue):
            continue
        subject, text, html = render("digest", {
            "user": user, "notices": [{**summary(n.event), "at": n.event.occurred_at} for n in mine],
            "queue": queue, "day": day, "centre": centre_link(),
        })  # fmt: skip
        send(user.email, subject, text, html)
        Notification.objects.filter(pk__in=[n.pk for n in mine]).update(digested_at=now)
        Preference.objects.update_or_create(
            user=user, defaults={"last_digest_on": day},
            create_defaults={"delivery": Delivery.DIGEST, "last_digest_on": day},
        )  # fmt: skip
        sent += 1
    return sent

"""Reminders for dossiers at risk, computed each day from the rules' deadlines (sons.dossiers.deadlines):

- Date 4, Date 5, Date 6 (advance, service, balance) at D−30 and at D−7, in the states where each matters;
- a conditional order (§4.3) at day 100 and day 115 of its 120 days;
- a draft not filed 15 days before Date 4 (a draft was never received: §2);
- a completion request unanswered after SONS_COMPLETION_REMINDER_DAYS days.

Each reminder is given once per dossier, deadline and milestone: a `ReminderSent` row, unique, is written with
its event in one transaction, so a job run twice (or two at once) sends nothing twice.

And the instructors' queue for their daily digest: new filings, answers, dossiers waiting, requests unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from sons import clock
from sons.notifications.enums import EventKind
from sons.notifications.events import record_event
from sons.notifications.models import ReminderSent
from sons.rules.codes import DEADLINES

from .deadlines import RELEVANT, deadlines_of
from .enums import DossierState as S
from .enums import MessageKind
from .models import Dossier, Message, Transition

WATCHED = ("advance_request_until", "service_completion_until", "balance_request_until")  # D4, D5, D6
BEFORE = (30, 7)  # days before each
CONDITIONAL_DAYS = (100, 115)  # of the 120 (§4.3)
DRAFT_DAYS_BEFORE_D4 = 15
TO_COMPLETE = (S.ADVANCE_TO_COMPLETE, S.BALANCE_TO_COMPLETE)
BEFORE_REFERENCING = (S.DRAFT, S.ADVANCE_FILED, S.ADVANCE_TO_COMPLETE, S.ADVANCE_SUBJECT_TO_REFERENCING)


@dataclass(frozen=True)
class Reminder:
    deadline: str  # a DEADLINES code, or "draft_not_filed", or "completion_request:<message id>"
    milestone: str  # "J-30", "J-7", "J100", "J+15"…
    due_on: date
    text: str


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def due(dossier: Dossier, today: date, unanswered: Message | None = None) -> list[Reminder]:
    """The reminders `dossier` deserves today (before the check of those already sent)."""
    found: list[Reminder] = []
    deadlines = deadlines_of(dossier)
    relevant = RELEVANT.get(dossier.state, ())
    if dossier.state == S.ADVANCE_PAID and dossier.end_of_service_attested_on:
        relevant = ("balance_request_until",)
    for name in WATCHED:
        day = deadlines.get(name)
        if name not in relevant or day is None or day < today:
            continue
        left = (day - today).days
        reached = [n for n in BEFORE if left <= n]
        if reached:
            n = min(reached)
            found.append(Reminder(name, f"J-{n}", day, f"{DEADLINES.label(name)} le {_day(day)} : plus que {left} "
                                  "jour(s) (AF §2)."))  # fmt: skip
    until = deadlines.get("complete_dossier_until")
    if until and dossier.state in BEFORE_REFERENCING and dossier.order_signed_on and today <= until:
        elapsed = (today - dossier.order_signed_on).days
        reached = [n for n in CONDITIONAL_DAYS if elapsed >= n]
        if reached:
            n = max(reached)
            found.append(Reminder("complete_dossier_until", f"J{n}", until,
                                  f"Commande conditionnelle : jour {elapsed} sur 120. Le dossier complet de "
                                  f"référencement doit être déposé au plus tard le {_day(until)} (AF §4.3)."))  # fmt: skip
    d4 = deadlines.get("advance_request_until")
    if dossier.state == S.DRAFT and d4 and 0 <= (d4 - today).days <= DRAFT_DAYS_BEFORE_D4:
        found.append(Reminder("draft_not_filed", f"J-{DRAFT_DAYS_BEFORE_D4}", d4,
                              f"Brouillon non déposé : une demande d'avance doit être déposée au plus tard le "
                              f"{_day(d4)} (Date 4). Un brouillon n'est pas une demande reçue (AF §2)."))  # fmt: skip
    if unanswered is not None:
        days = settings.SONS_COMPLETION_REMINDER_DAYS
        asked_on = unanswered.at.date()
        if (today - asked_on).days >= days:
            found.append(Reminder(f"completion_request:{unanswered.pk}", f"J+{days}",
                                  unanswered.due_on or asked_on + timedelta(days=days),
                                  f"La demande de complément du {_day(asked_on)} attend votre réponse depuis "
                                  f"{(today - asked_on).days} jours : « {unanswered.body[:200]} »."))  # fmt: skip
    return found


def send_reminders(today: date | None = None, out=None) -> int:
    """Give every reminder due today that was not given yet; how many were given."""
    today = today or clock.today()
    states = {*RELEVANT, *TO_COMPLETE, S.ADVANCE_PAID}
    requests = {}
    for message in Message.objects.filter(
        dossier__state__in=TO_COMPLETE, kind=MessageKind.COMPLETION_REQUEST
    ):
        if message.dossier_id not in requests or message.at > requests[message.dossier_id].at:
            requests[message.dossier_id] = message
    given = 0
    dossiers = Dossier.objects.filter(state__in=states).select_related("solution_version").order_by("pk")
    for dossier in dossiers.iterator(chunk_size=500):
        for reminder in due(
            dossier, today, requests.get(dossier.pk) if dossier.state in TO_COMPLETE else None
        ):
            given += give(dossier, reminder)
    if out is not None:
        out.write(f"{given} rappel(s) envoyé(s) au {_day(today)}.\n")
    return given


def give(dossier: Dossier, reminder: Reminder) -> int:
    """1 when the reminder is given now, 0 when it had been (the unique row decides, even between two runs)."""
    try:
        with transaction.atomic():
            sent = ReminderSent.objects.create(dossier=dossier, deadline=reminder.deadline[:60],
                                               milestone=reminder.milestone, due_on=reminder.due_on)  # fmt: skip
            sent.event = record_event(
                EventKind.REMINDER, organisation=dossier.supplier_id, dossier=dossier,
                payload={"dossier_id": dossier.pk, "deadline": reminder.deadline, "milestone": reminder.milestone,
                         "due_on": reminder.due_on, "text": reminder.text},
            )  # fmt: skip
            sent.save(update_fields=["event"])
    except IntegrityError:
        return 0
    return 1


def instructor_queue(today: date | None = None) -> list[dict]:
    """The instructors' queue for their digest (the same for each of them)."""
    today = today or clock.today()
    since = today - timedelta(days=1)
    queue = reverse("portal:queue")
    base = settings.SONS_BASE_URL.rstrip("/")
    days = settings.SONS_COMPLETION_REMINDER_DAYS
    rows = [
        ("Nouvelles demandes déposées depuis hier",
         Dossier.objects.filter(advance_filed_on__gte=since, state=S.ADVANCE_FILED).count()
         + Dossier.objects.filter(balance_filed_on__gte=since, state=S.BALANCE_FILED).count()),
        ("Réponses à des demandes de complément depuis hier",
         Transition.objects.filter(name__in=("complete_advance", "complete_balance"), at__date__gte=since).count()),
        ("Demandes en attente de décision", Dossier.objects.filter(state__in=(S.ADVANCE_FILED, S.BALANCE_FILED)).count()),
        (f"Demandes de complément sans réponse depuis plus de {days} jours",
         Dossier.objects.filter(state__in=TO_COMPLETE, messages__kind=MessageKind.COMPLETION_REQUEST,
                                messages__at__date__lte=today - timedelta(days=days)).distinct().count()),
        ("Commandes conditionnelles dont les 120 jours finissent dans les 15 jours",
         _conditional_near(today, 15)),
    ]  # fmt: skip
    return [{"label": label, "count": count, "link": base + queue} for label, count in rows]


def _conditional_near(today: date, within: int) -> int:
    from sons.rules import load_parameters

    days = load_parameters().at(today).conditional_order_days
    running = Dossier.objects.filter(state__in=BEFORE_REFERENCING[1:]).conditional_orders_running(today, days)
    return running.filter(order_signed_on__lte=today - timedelta(days=days - within)).count()

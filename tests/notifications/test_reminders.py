"""Reminders from the rules' deadlines, given once per dossier, deadline and milestone even when the daily job
runs twice; and the instructors' digest with their queue."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from sons import clock
from sons.dossiers import actions
from sons.dossiers.deadlines import deadlines_of
from sons.dossiers.reminders import instructor_queue, send_reminders
from sons.notifications import delivery
from sons.notifications.enums import EventKind
from sons.notifications.models import Event, Notification, ReminderSent
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, staff
from tests.notifications.test_delivery import person
from tests.queue import run_pending

pytestmark = pytest.mark.django_db


def given(dossier) -> list[tuple[str, str]]:
    return sorted(ReminderSent.objects.filter(dossier=dossier).values_list("deadline", "milestone"))


def test_date_5_at_d_30_then_d_7_once_each_even_run_twice(today):
    today("2026-09-01")
    dossier = DossierFactory(advance_paid=True)
    claire = person("claire", organisation=dossier.supplier)
    d5 = deadlines_of(dossier)["service_completion_until"]
    with clock.as_of(d5 - timedelta(days=30)):
        assert send_reminders() >= 1
        assert send_reminders() == 0  # the job run again gives nothing twice
    assert ("service_completion_until", "J-30") in given(dossier)
    with clock.as_of(d5 - timedelta(days=7)):
        send_reminders()
        send_reminders()
    assert given(dossier).count(("service_completion_until", "J-7")) == 1
    run_pending()
    reminder = Event.objects.filter(dossier=dossier, kind=EventKind.REMINDER).first()
    assert reminder.organisation_id == dossier.supplier_id and "Date 5" in reminder.payload["text"]
    assert Notification.objects.filter(recipient=claire, event=reminder).exists()


def test_a_draft_not_filed_15_days_before_date_4(today):
    today("2026-09-01")
    dossier = DossierFactory(draft=True)
    d4 = deadlines_of(dossier)["advance_request_until"]
    with clock.as_of(d4 - timedelta(days=16)):
        send_reminders()
    assert ("draft_not_filed", "J-15") not in given(dossier)
    with clock.as_of(d4 - timedelta(days=15)):
        send_reminders()
    assert ("draft_not_filed", "J-15") in given(dossier)


def test_a_completion_request_unanswered_after_15_days(today, settings):
    today("2026-09-01")
    dossier = DossierFactory(advance_to_complete=True)
    with clock.as_of(clock.today() + timedelta(days=14)):
        send_reminders()
    assert not [g for g in given(dossier) if g[0].startswith("completion_request:")]
    with clock.as_of(clock.today() + timedelta(days=15)):
        send_reminders()
        send_reminders()
    assert [g[1] for g in given(dossier) if g[0].startswith("completion_request:")] == ["J+15"]
    settings.SONS_COMPLETION_REMINDER_DAYS = 5  # the delay is a parameter
    other = DossierFactory(advance_to_complete=True)
    with clock.as_of(clock.today() + timedelta(days=5)):
        send_reminders()
    assert [g[1] for g in given(other) if g[0].startswith("completion_request:")] == ["J+5"]


def test_a_conditional_order_at_day_100_and_115(today):
    today("2026-09-01")
    dossier = DossierFactory(order={"mention_conditional_referencing": True})
    version = dossier.solution_version
    version.referencing, version.referenced_on, version.complete_dossier_on = "pending", None, None
    version.save()
    signed = dossier.order_signed_on
    for day in (99, 100, 101, 115):
        with clock.as_of(signed + timedelta(days=day)):
            send_reminders()
    assert [m for d, m in given(dossier) if d == "complete_dossier_until"] == ["J100", "J115"]


def test_instructors_get_their_queue_in_their_digest(today, smtp_inbox):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0].user
    get_user_model().objects.filter(pk=instructor.pk).update(email="instructrice@asp.fr")
    actions.request_completion(staff(Role.ASP_INSTRUCTOR, "autre")[0], dossier, "Pièce ?")
    run_pending()
    queue = instructor_queue()
    assert queue[0]["label"] == "Nouvelles demandes déposées depuis hier"
    delivery.send_digests(extra=lambda user: queue if user.pk == instructor.pk else [])
    (digest,) = smtp_inbox.to("instructrice@asp.fr")
    body = smtp_inbox.body(digest)
    assert "Votre file d'instruction" in body and "Demandes en attente de décision" in body
    delivery.send_digests(extra=lambda user: queue if user.pk == instructor.pk else [])  # run again: nothing
    assert len(smtp_inbox.to("instructrice@asp.fr")) == 1

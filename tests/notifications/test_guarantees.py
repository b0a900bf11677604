"""The guarantees of delivery, proved on PostgreSQL too (SONS_TEST_DATABASE_URL): at least once with a stable
id (a job run again after a lost worker sends nothing new, or the same id again); no event for a change rolled
back (test_events.py); a supplier never told another organisation's events, whoever acts; a reminder given
once even by two daily jobs running at the same instant."""

from datetime import timedelta

import pytest
from django.db import connection

from sons import clock
from sons.dossiers import actions
from sons.dossiers.deadlines import deadlines_of
from sons.dossiers.reminders import send_reminders
from sons.notifications import delivery
from sons.notifications.enums import EventKind
from sons.notifications.models import Event, Notification, ReminderSent
from sons.suppliers.enums import Role
from tests.concurrency import run_together
from tests.db_factories import DossierFactory, staff
from tests.notifications.test_delivery import person
from tests.queue import run_pending

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_run_again_gives_the_same_event_id_and_no_second_notification(today, smtp_inbox):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    claire = person("claire", organisation=dossier.supplier)
    actions.request_completion(staff(Role.ASP_INSTRUCTOR, "instructrice")[0], dossier, "Complément.")
    event = Event.objects.get(kind=EventKind.COMPLETION_REQUESTED)
    delivery.fan_out.call([event.pk])
    delivery.fan_out.call([event.pk])  # a worker lost after its work, the job taken again: nothing new
    (notification,) = Notification.objects.filter(recipient=claire, event=event)
    run_pending()  # the e-mails' jobs (one per fan-out run): the second finds the e-mail sent
    # A worker killed between the send and its mark: the e-mail goes again, with the same event id.
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    delivery.send_notification.call(notification.pk)
    delivery.send_notification.call(notification.pk)  # marked now: nothing more
    delivery.fan_out.call([event.pk])
    run_pending()
    sent = [m for m in smtp_inbox.to("claire@exemple.fr") if "Complément demandé" in m["Subject"]]
    assert len(sent) == 2 and {m["X-SONS-Event"] for m in sent} == {event.public_id}


def test_an_email_refused_by_the_server_becomes_a_job_of_its_own(today, settings):
    from django_tasks_db.models import DBTaskResult

    from tests.smtp import free_port

    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    claire = person("claire", organisation=dossier.supplier)
    actions.request_completion(staff(Role.ASP_INSTRUCTOR, "instructrice")[0], dossier, "Complément.")
    event = Event.objects.get(kind=EventKind.COMPLETION_REQUESTED)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        free_port(),
        2,
    )  # nobody there
    assert delivery.fan_out.call([event.pk]) == 1  # one e-mail queued
    notification = Notification.objects.get(recipient=claire, event=event)
    assert delivery.send_emails.call([notification.pk]) == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert DBTaskResult.objects.filter(task_path="sons.notifications.delivery.send_notification",
                                       args_kwargs__args=[notification.pk]).exists()  # fmt: skip


def test_each_supplier_is_told_its_own_events_only(today):
    today("2026-09-01")
    mine, theirs = DossierFactory(advance_filed=True), DossierFactory(advance_filed=True)
    claire = person("claire", organisation=mine.supplier)
    bruno = person("bruno", organisation=theirs.supplier)
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    actions.request_completion(instructor, mine, "Complément.")
    actions.reject(instructor, theirs, "Irrecevable.")
    run_pending()
    assert set(
        Notification.objects.filter(recipient=claire).values_list("event__organisation", flat=True)
    ) == {mine.supplier_id}
    assert set(
        Notification.objects.filter(recipient=bruno).values_list("event__organisation", flat=True)
    ) == {theirs.supplier_id}


def test_two_daily_jobs_at_once_give_each_reminder_once(today):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    today("2026-09-01")
    dossiers = [DossierFactory(advance_paid=True) for _ in range(3)]
    d5 = deadlines_of(dossiers[0])["service_completion_until"]

    def daily(_):
        with clock.as_of(d5 - timedelta(days=7)):
            return send_reminders()

    results = run_together(daily, [1, 2, 3])
    assert not [r for r in results if isinstance(r, Exception)], results
    rows = ReminderSent.objects.filter(deadline="service_completion_until", milestone="J-7")
    assert rows.count() == 3 == sum(results)
    assert Event.objects.filter(kind=EventKind.REMINDER, payload__milestone="J-7").count() == 3

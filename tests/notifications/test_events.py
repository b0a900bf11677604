"""Events are written with the change that causes them (never for a change rolled back), each lifecycle step
that someone must know of gives its event, and the fan-out tells the organisation's members only."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from sons import clock
from sons.dossiers import actions
from sons.notifications import delivery
from sons.notifications.enums import EventKind
from sons.notifications.models import Event, Notification
from sons.suppliers.enums import Role
from sons.suppliers.models import Membership
from tests.db_factories import DossierFactory, OrganisationFactory, staff
from tests.queue import run_pending

pytestmark = pytest.mark.django_db


def member(organisation, name: str):
    user = get_user_model().objects.create_user(username=name, email=f"{name}@exemple.fr", password="x")
    Membership.objects.create(user=user, role=Role.SUPPLIER_MEMBER, organisation=organisation)
    return user


def kinds(dossier) -> list[str]:
    return list(Event.objects.filter(dossier=dossier).values_list("kind", flat=True))


def test_the_role_codes_are_the_suppliers_ones():
    assert delivery.SUPPLIER_MEMBER == Role.SUPPLIER_MEMBER
    assert delivery.ASP_INSTRUCTOR == Role.ASP_INSTRUCTOR
    assert set(delivery.STAFF_ROLES) == set(Role.values) - {Role.SUPPLIER_MEMBER}


def test_a_dossier_walked_to_its_recovery_tells_each_step(today):
    today("2026-09-01")
    dossier = DossierFactory(recovered=True)
    assert kinds(dossier) == [
        EventKind.FILING_RECEIVED, EventKind.VALIDATED, EventKind.PAYMENT_SENT, EventKind.RECOVERY_OPENED,
        EventKind.FORMAL_NOTICE, EventKind.REPAYMENT_ORDER, EventKind.REPAYMENT_RECEIVED,
    ]  # fmt: skip
    filed = Event.objects.get(dossier=dossier, kind=EventKind.FILING_RECEIVED)
    assert filed.organisation_id == dossier.supplier_id and filed.payload["received_on"] == "2026-09-01"
    paid = Event.objects.get(dossier=dossier, kind=EventKind.PAYMENT_SENT)
    assert (
        paid.payload["amount"] == str(dossier.advance_amount)
        and paid.payload["batch_sent_on"] == "2026-09-01"
    )
    ids = list(Event.objects.filter(dossier=dossier).values_list("pk", flat=True))
    assert ids == sorted(ids)


def test_completion_answer_and_rejection_carry_what_to_do(today):
    today("2026-09-01")
    dossier = DossierFactory(advance_to_complete=True)
    asked = Event.objects.get(dossier=dossier, kind=EventKind.COMPLETION_REQUESTED)
    assert asked.payload["message"] == "Merci de joindre la pièce manquante."
    assert asked.payload["due_on"] == "2026-09-16"
    supplier = dossier.supplier
    from tests.db_factories import supplier_token

    principal = supplier_token(supplier)[0]
    with clock.as_of(date(2026, 9, 2)):
        actions.complete(principal, dossier, {}, "Pièce jointe.")
    answered = Event.objects.get(dossier=dossier, kind=EventKind.ANSWER_RECEIVED)
    assert answered.audience == "instructors"
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    dossier.refresh_from_db()
    actions.reject(instructor, dossier, "Bon de commande non signé.")
    rejected = Event.objects.get(dossier=dossier, kind=EventKind.REJECTED)
    assert rejected.payload["reasons"] == "Bon de commande non signé."


def test_a_change_rolled_back_records_no_event_and_no_job(today):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    events, jobs = Event.objects.count(), DBTaskResult.objects.count()

    def asked_then_failed():
        with transaction.atomic():
            actions.request_completion(instructor, dossier, "Complément.")
            assert Event.objects.count() == events + 1
            raise RuntimeError("annulé")

    with pytest.raises(RuntimeError):
        asked_then_failed()
    assert Event.objects.count() == events and DBTaskResult.objects.count() == jobs
    run_pending()
    assert not Notification.objects.filter(event__kind=EventKind.COMPLETION_REQUESTED).exists()


def test_members_of_the_organisation_only_are_notified(today):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    mine, other = member(dossier.supplier, "claire"), member(OrganisationFactory(), "intrus")
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    actions.request_completion(instructor, dossier, "Complément.")
    run_pending()
    run_pending()  # a second run (a job retried) adds nothing
    assert (
        Notification.objects.filter(recipient=mine, event__kind=EventKind.COMPLETION_REQUESTED).count() == 1
    )
    assert not Notification.objects.filter(recipient=other).exists()
    assert not Notification.objects.filter(
        recipient=instructor.user, event__kind=EventKind.COMPLETION_REQUESTED
    ).exists()

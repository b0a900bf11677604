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


def test_referencing_tells_the_publisher_and_its_distributors(today):
    from sons.registry.actions import decide_referencing
    from sons.registry.models import DistributorDeclaration
    from tests.db_factories import SolutionVersionFactory

    today("2026-09-01")
    version = SolutionVersionFactory(pending=True)
    distributor = OrganisationFactory()
    DistributorDeclaration.objects.create(solution=version.solution, distributor=distributor, mandate=True,
                                          declared_on=date(2026, 8, 1))  # fmt: skip
    decide_referencing(staff(Role.ANS_AGENT, "ans")[0], version, "granted", date(2026, 9, 1))
    told = dict(
        Event.objects.filter(kind=EventKind.REFERENCING_GRANTED).values_list("organisation", "payload")
    )
    assert set(told) == {version.solution.publisher.organisation_id, distributor.pk}
    assert told[distributor.pk]["publisher"] is False and told[distributor.pk]["on"] == "2026-09-01"


def test_enrolment_decision_and_pilot_validation_are_told(today):
    from sons.suppliers import actions as suppliers
    from tests.db_factories import EnrolmentFactory, SolutionVersionFactory, validated_pilot

    today("2026-09-01")
    enrolment = EnrolmentFactory(state="filed")
    suppliers.reject(staff(Role.ASP_INSTRUCTOR, "instructrice")[0], enrolment, "RIB illisible.")
    decided = Event.objects.get(kind=EventKind.ENROLMENT_DECIDED)
    assert decided.organisation_id == enrolment.organisation_id and decided.payload["decision"] == "rejected"
    pilot = validated_pilot(SolutionVersionFactory())
    validated = Event.objects.get(kind=EventKind.PILOT_VALIDATED)
    assert validated.organisation_id == pilot.supplier_id


def test_a_payment_rejected_by_the_bank_is_told_per_dossier(today):
    from sons.payments.actions import prepare_batch, reject_batch, send_batch

    today("2026-09-01")
    dossier = DossierFactory(advance_validated=True)
    paying = staff(Role.ASP_PAYING_AGENT, "payeur")[0]
    batch = send_batch(paying, prepare_batch(paying, only=[dossier.pk]))
    reject_batch(paying, batch, "Compte clos")
    rejected = Event.objects.get(kind=EventKind.PAYMENT_REJECTED)
    assert rejected.dossier_id == dossier.pk and rejected.organisation_id == dossier.supplier_id
    assert rejected.payload["reason"] == "Compte clos" and rejected.payload["amount"] == str(
        dossier.advance_amount
    )

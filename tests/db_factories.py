"""factory_boy factories for the database, with traits per workflow state."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from sons import clock
from sons.directory.enums import PracticeMode, Profession
from sons.directory.models import Centre, Professional
from sons.dossiers.enums import DossierState
from sons.dossiers.models import Dossier, Pilot
from sons.recoveries.models import RecoveryCase
from sons.registry.enums import Referencing
from sons.registry.models import Publisher, Solution, SolutionVersion
from sons.rules.identifiers import with_luhn_key
from sons.suppliers.enums import EnrolmentState, Role
from sons.suppliers.models import ApiToken, Enrolment, Membership, Organisation
from sons.suppliers.perms import Principal
from tests.declarations import order as conforming_order
from tests.factories import ALL_PROFILES, VA_FUNCTIONS

ORDER = conforming_order()


def siren(n: int) -> str:
    return with_luhn_key(f"{73282932 + n:08d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Éditeur {n}")
    siren = factory.Sequence(siren)
    vat_liable = True
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"
    psc_user_service_operator = True
    hosts_health_data = False
    sworn_statement = True


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    organisation = factory.SubFactory(OrganisationFactory)
    state = EnrolmentState.VALIDATED
    filed_on = factory.Faker("date_between", start_date="-1y", end_date="today")


class PublisherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publisher

    name = factory.Sequence(lambda n: f"Éditeur {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution

    publisher = factory.SubFactory(PublisherFactory)
    name = factory.Sequence(lambda n: f"Logiciel {n}")


class SolutionVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolutionVersion

    solution = factory.SubFactory(SolutionFactory)
    version = factory.Sequence(lambda n: f"{n + 2}.0")
    profiles = ALL_PROFILES
    candidature_validated = True
    complete_dossier_on = "2026-05-01"
    referencing = Referencing.GRANTED
    referenced_on = "2026-06-01"

    class Params:
        pending = factory.Trait(referencing=Referencing.PENDING, referenced_on=None)


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    rpps = factory.Sequence(lambda n: with_luhn_key(f"1{n:09d}"))
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    profession = Profession.IDE
    practice = PracticeMode.LIBERAL
    registered_with_order = True


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    finess_geo = factory.Sequence(lambda n: with_luhn_key(f"75{n:06d}"))
    name = factory.Sequence(lambda n: f"Centre de soins infirmiers {n}")
    tranche = "B"
    accord_national_2015 = True
    staff_declared = True


def enrolled_publisher_version(**version_traits) -> SolutionVersion:
    """A referenced version whose publisher's organisation is enrolled with the ASP."""
    publisher = PublisherFactory()
    EnrolmentFactory(organisation=publisher.organisation)
    return SolutionVersionFactory(solution=SolutionFactory(publisher=publisher), **version_traits)


# The tests' tokens outlive the calendar they walk (a dossier's life spans two years; a real token, one).
TOKEN_LIFETIME = timedelta(days=5 * 365)


def staff(role: str, username: str):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, role=role)
    _, key = ApiToken.issue(f"jeton de {username}", user=user, lifetime=TOKEN_LIFETIME)
    return Principal.for_user(user), key


def supplier_token(organisation: Organisation) -> tuple[Principal, str]:
    _, key = ApiToken.issue("système de dépôt", organisation=organisation, lifetime=TOKEN_LIFETIME)
    return Principal(Role.SUPPLIER_MEMBER, organisation.name, None, organisation), key


# A dossier in any state of its lifecycle, reached through the domain's own actions (filed by its supplier,
# decided by an instructor, paid in a batch…), each step on its day of the §2 calendar (sons.clock.as_of).
FILED_ON = date(2026, 9, 1)
BALANCE = {  # the balance request of a Prestation completed on 2026-10-01 (VA and invoice, §4.4, §6.4)
    "completed_on": date(2026, 10, 1),
    "va": {"signed_on": date(2026, 10, 5), "signature": "psc", "functions": list(VA_FUNCTIONS)},
    "invoice": {"issued_on": date(2026, 10, 6), "amount": Decimal("270.00"), "in_client_name": True},
}
S = DossierState
PAID = ("validate", "pay")
IN_RECOVERY = (*PAID, "incapacity")
BALANCE_FILED = (*PAID, "balance")
ROUTES = {  # the steps that lead to each state from the filed advance request
    S.DRAFT: (),
    S.ADVANCE_FILED: (),
    S.ADVANCE_TO_COMPLETE: ("ask",),
    S.ADVANCE_REJECTED: ("reject",),
    S.ADVANCE_SUBJECT_TO_REFERENCING: ("validate",),  # a version waiting for its referencing (§6.2)
    S.ADVANCE_VALIDATED: ("validate",),
    S.ADVANCE_PAID: PAID,
    S.CANCELLED: ("validate", "incapacity"),  # validated, not paid: nothing to recover
    S.BALANCE_FILED: BALANCE_FILED,
    S.BALANCE_TO_COMPLETE: (*BALANCE_FILED, "ask"),
    S.BALANCE_REJECTED: (*BALANCE_FILED, "reject"),
    S.BALANCE_VALIDATED: (*BALANCE_FILED, "validate"),
    S.BALANCE_PAID: (*BALANCE_FILED, "validate", "pay"),
    S.IN_RECOVERY: IN_RECOVERY,
    S.RECOVERY_NOTICE_SENT: (*IN_RECOVERY, "notice"),
    S.RECOVERY_ORDERED: (*IN_RECOVERY, "notice", "order"),
    S.RECOVERED: (*IN_RECOVERY, "notice", "order", "repay"),
    S.RECOVERY_CANCELLED: (*IN_RECOVERY, "cancel_recovery"),
}
STEP_DAYS = {"validate": FILED_ON, "ask": FILED_ON, "reject": FILED_ON, "pay": date(2026, 9, 15),
             "incapacity": date(2026, 9, 20), "notice": date(2026, 9, 21), "order": date(2026, 10, 22),
             "repay": date(2026, 10, 30), "cancel_recovery": date(2026, 9, 22), "balance": date(2026, 10, 20)}  # fmt: skip
_actors = itertools.count(1)


def join_pieces(dossier: Dossier, request: str, by: str = "le fournisseur") -> list:
    """The pieces the AF requires with `request` (§6.2: the signed order; §6.4: the invoice and the VA), joined
    to the dossier as small PDFs, so that the request may be filed."""
    from sons.documents.store import store_upload
    from sons.dossiers.pieces import REQUIRED
    from tests.documents.pdfs import text_pdf

    return [
        store_upload(dossier, piece.kind, f"{piece.kind}-{dossier.pk}.pdf",
                     text_pdf(piece.label, f"Dossier n° {dossier.pk}"), by)
        for piece in REQUIRED[request]
    ]  # fmt: skip


def take(step: str, dossier: Dossier, actors: dict) -> Dossier:
    """One step of the dossier's life, by the actor whose role takes it."""
    from sons.dossiers import actions
    from sons.payments.actions import confirm_batch, prepare_batch, send_batch
    from sons.recoveries import actions as recoveries

    supplier, instructor, paying = actors["supplier"], actors["instructor"], actors["paying"]
    case = RecoveryCase.objects.filter(dossier=dossier).first()
    later = {S.BALANCE_VALIDATED, S.BALANCE_FILED}
    match step:
        case "validate":
            if dossier.state == S.ADVANCE_FILED:  # the direct filing joins the signed order after (§6.2)
                join_pieces(dossier, "advance")
            actions.validate(instructor, dossier)
        case "ask":
            actions.request_completion(instructor, dossier, "Merci de joindre la pièce manquante.")
        case "reject":
            actions.reject(instructor, dossier, "Demande irrecevable.")
        case "pay":
            if dossier.state in later:  # the balance: its batch of its own day
                with clock.as_of(date(2026, 10, 25)):
                    confirm_batch(paying, send_batch(paying, prepare_batch(paying, only=[dossier.pk])))
            else:
                confirm_batch(paying, send_batch(paying, prepare_batch(paying, only=[dossier.pk])))
        case "balance":
            join_pieces(dossier, "balance")
            actions.file_balance(supplier, dossier, BALANCE)
        case "incapacity":
            recoveries.declare_incapacity(supplier, dossier, "Le Client a cessé son activité libérale.")
        case "notice":
            recoveries.send_formal_notice(instructor, case)
        case "order":
            recoveries.order_repayment(instructor, case)
        case "repay":
            recoveries.record_repayment(paying, case, case.amount)
        case "cancel_recovery":
            recoveries.cancel(instructor, case, "Prestation finalement réalisée.")
    return Dossier.objects.select_related("solution_version").get(pk=dossier.pk)


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier in the state its trait names (`DossierFactory(advance_paid=True)`), reached through the
    domain's actions: filed by its publisher for a client of the directory, then decided, paid, recovered…
    `order` changes the declared order (`order={"vat_rate": None}`)."""

    class Meta:
        model = Dossier

    state = S.ADVANCE_FILED
    version = factory.LazyFunction(enrolled_publisher_version)
    professional = factory.SubFactory(ProfessionalFactory)
    order = factory.Dict({})

    class Params:
        draft = factory.Trait(state=S.DRAFT)
        advance_filed = factory.Trait(state=S.ADVANCE_FILED)
        advance_to_complete = factory.Trait(state=S.ADVANCE_TO_COMPLETE)
        advance_rejected = factory.Trait(state=S.ADVANCE_REJECTED)
        advance_subject_to_referencing = factory.Trait(state=S.ADVANCE_SUBJECT_TO_REFERENCING)
        advance_validated = factory.Trait(state=S.ADVANCE_VALIDATED)
        advance_paid = factory.Trait(state=S.ADVANCE_PAID)
        cancelled = factory.Trait(state=S.CANCELLED)
        balance_filed = factory.Trait(state=S.BALANCE_FILED)
        balance_to_complete = factory.Trait(state=S.BALANCE_TO_COMPLETE)
        balance_rejected = factory.Trait(state=S.BALANCE_REJECTED)
        balance_validated = factory.Trait(state=S.BALANCE_VALIDATED)
        balance_paid = factory.Trait(state=S.BALANCE_PAID)
        in_recovery = factory.Trait(state=S.IN_RECOVERY)
        recovery_notice_sent = factory.Trait(state=S.RECOVERY_NOTICE_SENT)
        recovery_ordered = factory.Trait(state=S.RECOVERY_ORDERED)
        recovered = factory.Trait(state=S.RECOVERED)
        recovery_cancelled = factory.Trait(state=S.RECOVERY_CANCELLED)

    @classmethod
    def _create(cls, model_class, *, state, version, professional, order, **kwargs):
        from sons.dossiers.actions import file_one

        n = next(_actors)
        actors = {
            "supplier": supplier_token(version.solution.publisher.organisation)[0],
            "instructor": staff(Role.ASP_INSTRUCTOR, f"instructeur-{n}")[0],
            "paying": staff(Role.ASP_PAYING_AGENT, f"agent-payeur-{n}")[0],
        }
        filed_on = FILED_ON
        if (
            state == S.ADVANCE_SUBJECT_TO_REFERENCING
        ):  # §6.2: filed from 15 days before Date 4, version pending
            version = SolutionVersionFactory(solution=version.solution, pending=True)
            order = {"mention_conditional_referencing": True, **order}
            filed_on = date(2027, 10, 1)
        if "balance" in ROUTES[state]:
            validated_pilot(version)
        declaration = {"client": {"rpps": professional.rpps}, "solution_version_id": version.pk,
                       "order": {**ORDER, **order}, "de_minimis_other_aid": "0.00"}  # fmt: skip
        with clock.as_of(filed_on):
            dossier = file_one(actors["supplier"], declaration, draft=state == S.DRAFT)
        day = filed_on
        for step in ROUTES[
            state
        ]:  # each step on its day, never before the previous one (the history's order)
            day = max(day, STEP_DAYS[step])
            with clock.as_of(day):
                dossier = take(step, dossier, actors)
        assert dossier.state == state, f"{dossier.state} au lieu de {state} : {dossier.findings}"
        return dossier


def validated_pilot(version) -> Pilot:
    """The publisher's pilot on `version`, validated by the ANS (§6.3): its balances can be validated."""
    from sons.dossiers.workflow import PILOT

    organisation = version.solution.publisher.organisation
    pilot, created = Pilot.objects.get_or_create(supplier=organisation, solution_version=version)
    if created:
        PILOT.perform(
            pilot, "validate", staff(Role.ANS_AGENT, f"agent-ans-{next(_actors)}")[0], "Pilote conforme."
        )
    return pilot

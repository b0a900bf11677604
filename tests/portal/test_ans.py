"""ANS space: referencing decisions (the withdrawal shows its recovery impact before confirming, a changed
impact is refused), obsolete-version declarations with the §4.3 findings, pilot validation, access."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sons.dossiers.enums import DossierState, PilotState
from sons.recoveries.models import RecoveryCase
from sons.registry.enums import Referencing
from sons.registry.models import DistributorDeclaration, ObsoleteVersion
from sons.suppliers.enums import Role
from tests.db_factories import (
    OrganisationFactory,
    SolutionFactory,
    SolutionVersionFactory,
    enrolled_publisher_version,
)
from tests.portal.factories import dossier, signed_in, submitted_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def ans():
    return signed_in(Role.ANS_AGENT, "agent-ans")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Access


@pytest.mark.parametrize(
    "name", ["ans_home", "ans_publishers", "ans_versions", "ans_distributors", "ans_pilots"]
)
def test_anonymous_users_go_to_the_sign_in_page(client, name):
    response = client.get(reverse(f"portal:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize("role", [Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT])
def test_other_roles_get_a_403(role):
    organisation = OrganisationFactory() if role == Role.SUPPLIER_MEMBER else None
    other = signed_in(role, "autre", organisation)
    version = SolutionVersionFactory(pending=True)
    assert other.get(reverse("portal:ans_home")).status_code == 403
    assert other.get(reverse("portal:ans_version", args=[version.pk])).status_code == 403
    response = other.post(
        reverse("portal:ans_referencing", args=[version.pk]),
        {"decision": "grant", "motive": "Dossier de référencement instruit."},
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.referencing == Referencing.PENDING


def test_an_admin_may_act_as_the_ans():
    admin = signed_in(Role.ADMIN, "admin")
    assert admin.get(reverse("portal:ans_home")).status_code == 200


# Lists


def test_home_and_lists(ans):
    version = SolutionVersionFactory(pending=True, profiles=["mk", "ide"], solution__name="Kiné Pro")
    home = ans.get(reverse("portal:ans_home")).content.decode()
    assert "Espace ANS" in home
    assert 'data-testid="versions-en-instruction">1<' in home

    listing = ans.get(reverse("portal:ans_versions"), {"etat": "pending"}).content.decode()
    assert "Kiné Pro" in listing and "Masseur-kinésithérapeute, IDE" in listing
    assert "En cours d&#x27;instruction" in listing or "En cours d'instruction" in listing
    assert "Kiné Pro" not in ans.get(reverse("portal:ans_versions"), {"etat": "granted"}).content.decode()

    publishers = ans.get(reverse("portal:ans_publishers")).content.decode()
    assert version.solution.publisher.name in publishers and "Kiné Pro" in publishers

    page = ans.get(reverse("portal:ans_version", args=[version.pk])).content.decode()
    assert "Accorder le référencement" in page and "Refuser le référencement" in page
    assert "Masseur-kinésithérapeute" in page


def test_distributor_declarations_are_listed(ans):
    solution = SolutionFactory(name="Cabinet+")
    distributor = OrganisationFactory(name="Distrib Santé")
    DistributorDeclaration.objects.create(
        solution=solution, distributor=distributor, mandate=True, declared_on=date(2026, 7, 1)
    )
    page = ans.get(reverse("portal:ans_distributors")).content.decode()
    assert "Distrib Santé" in page and distributor.siren in page and "Cabinet+" in page
    assert "Mandat établi" in page and "01/07/2026" in page


# Referencing decisions


def test_grant_resolves_the_waiting_requests(ans):
    version = SolutionVersionFactory(pending=True)
    waiting = dossier(version, DossierState.ADVANCE_SUBJECT_TO_REFERENCING)
    response = ans.post(
        reverse("portal:ans_referencing", args=[version.pk]),
        {"decision": "grant", "motive": "Dossier de référencement instruit."},
        follow=True,
    )
    version.refresh_from_db()
    waiting.refresh_from_db()
    assert version.referencing == Referencing.GRANTED
    assert waiting.state == DossierState.ADVANCE_VALIDATED
    assert any("Référencement accordé" in m and ": 1." in m for m in messages_of(response))
    assert "fr-alert--success" in response.content.decode()


def test_refuse(ans):
    version = SolutionVersionFactory(pending=True)
    waiting = dossier(version, DossierState.ADVANCE_SUBJECT_TO_REFERENCING)
    response = ans.post(
        reverse("portal:ans_referencing", args=[version.pk]),
        {"decision": "refuse", "motive": "Dossier de référencement instruit."},
        follow=True,
    )
    version.refresh_from_db()
    waiting.refresh_from_db()
    assert version.referencing == Referencing.REFUSED
    assert waiting.state == DossierState.ADVANCE_REJECTED
    assert any("Référencement refusé" in m for m in messages_of(response))


def test_a_second_decision_is_refused_with_an_error_alert(ans):
    version = SolutionVersionFactory()  # already granted
    response = ans.post(
        reverse("portal:ans_referencing", args=[version.pk]),
        {"decision": "refuse", "motive": "Dossier de référencement instruit."},
        follow=True,
    )
    version.refresh_from_db()
    assert version.referencing == Referencing.GRANTED
    assert messages_of(response) == [
        "Action « Refuser le référencement » impossible : la version est à l'état « Référencée »."
    ]
    assert "fr-alert--error" in response.content.decode()


def test_posts_need_the_csrf_token(ans):
    ans.handler.enforce_csrf_checks = True
    version = SolutionVersionFactory(pending=True)
    page = ans.get(reverse("portal:ans_version", args=[version.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    response = ans.post(
        reverse("portal:ans_referencing", args=[version.pk]),
        {"decision": "grant", "motive": "Dossier de référencement instruit."},
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.referencing == Referencing.PENDING


# Withdrawal: impact first, then the confirmation of that impact


@pytest.fixture
def paid_version():
    version = enrolled_publisher_version()
    for _ in range(2):
        dossier(version, DossierState.ADVANCE_PAID, financed="270.00", paid_advance="108.00")
    dossier(
        version, DossierState.BALANCE_PAID, financed="270.00", paid_advance="108.00", paid_balance="162.00"
    )
    dossier(version, DossierState.ADVANCE_VALIDATED)  # not paid: no recovery
    return version


def test_withdrawal_page_shows_the_impact(ans, paid_version):
    response = ans.get(reverse("portal:ans_withdrawal", args=[paid_version.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>3 dossiers</strong>" in page
    assert "<strong>486,00 €</strong>" in page
    assert 'name="dossiers" value="3"' in page and 'name="paid" value="486.00"' in page
    paid_version.refresh_from_db()
    assert paid_version.referencing == Referencing.GRANTED  # nothing done yet


def test_confirming_the_impact_withdraws_and_opens_the_recoveries(ans, paid_version):
    response = ans.post(
        reverse("portal:ans_withdrawal", args=[paid_version.pk]),
        {"dossiers": "3", "paid": "486.00", "confirm": "on"},
        follow=True,
    )
    paid_version.refresh_from_db()
    assert paid_version.referencing == Referencing.WITHDRAWN
    assert paid_version.withdrawn_on is not None
    assert RecoveryCase.objects.count() == 3
    assert sum(c.amount for c in RecoveryCase.objects.all()) == Decimal("486.00")
    assert messages_of(response) == [
        f"Référencement retiré pour {paid_version.solution.name} {paid_version.version} : "
        "3 dossiers en recouvrement pour 486,00 €."
    ]


def test_a_changed_impact_is_refused_and_shown_again(ans, paid_version):
    shown = ans.get(reverse("portal:ans_withdrawal", args=[paid_version.pk]))
    assert "<strong>3 dossiers</strong>" in shown.content.decode()
    # A payment arrives between the preview and the confirmation.
    dossier(paid_version, DossierState.ADVANCE_PAID, financed="270.00", paid_advance="108.00")
    response = ans.post(
        reverse("portal:ans_withdrawal", args=[paid_version.pk]),
        {"dossiers": "3", "paid": "486.00", "confirm": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "L&#x27;impact a changé depuis l&#x27;aperçu : 4 dossiers, 594.00 €" in page
    assert "<strong>4 dossiers</strong>" in page and "<strong>594,00 €</strong>" in page
    assert 'name="dossiers" value="4"' in page
    paid_version.refresh_from_db()
    assert paid_version.referencing == Referencing.GRANTED
    assert RecoveryCase.objects.count() == 0


def test_the_withdrawal_must_be_ticked(ans, paid_version):
    response = ans.post(
        reverse("portal:ans_withdrawal", args=[paid_version.pk]), {"dossiers": "3", "paid": "486.00"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_confirm-erreur">Cochez la case pour confirmer le retrait.' in page
    assert 'aria-describedby="id_confirm-erreur"' in page
    paid_version.refresh_from_db()
    assert paid_version.referencing == Referencing.GRANTED


def test_only_a_referenced_version_can_be_withdrawn(ans):
    version = SolutionVersionFactory(pending=True)
    page = ans.get(reverse("portal:ans_withdrawal", args=[version.pk])).content.decode()
    assert "Seule une version référencée peut voir son référencement retiré" in page
    response = ans.post(
        reverse("portal:ans_withdrawal", args=[version.pk]),
        {"dossiers": "0", "paid": "0.00", "confirm": "on"},
    )
    assert response.status_code == 409
    version.refresh_from_db()
    assert version.referencing == Referencing.PENDING


# Obsolete-version declarations


def declaration(**changes) -> dict:
    data = {"version": "3", "version_rank": "3", "end_announced_on": "2025-01-10", "versions_at_date_0": "3, 4, 5",
            "latest_in_production_at_date_0": "5", "vague_1_version_rank": "4"}  # fmt: skip
    data.update(changes)
    return data


def test_an_accepted_declaration_joins_the_public_list(today, ans):
    today("2026-09-01")
    solution = SolutionFactory(name="Cabinet+")
    response = ans.post(reverse("portal:ans_obsolete", args=[solution.pk]), declaration())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Résultat de la vérification : déclaration conforme" in page
    assert "§4.3" in page and "respectée" in page
    assert messages_of(response)[0].startswith("Déclaration conforme : la version 3 de Cabinet+")
    (obsolete,) = ObsoleteVersion.objects.all()
    assert (obsolete.version, obsolete.rank, obsolete.declared_on) == ("3", 3, date(2026, 9, 1))
    # Declared twice: an error next to the field, nothing recorded.
    again = ans.post(reverse("portal:ans_obsolete", args=[solution.pk]), declaration())
    assert again.status_code == 400
    assert "Cette version figure déjà sur la liste des versions obsolètes." in again.content.decode()
    assert ObsoleteVersion.objects.count() == 1


def test_a_refused_declaration_shows_the_rules_findings(today, ans):
    today("2026-09-01")
    solution = SolutionFactory()
    response = ans.post(
        reverse("portal:ans_obsolete", args=[solution.pk]),
        declaration(version="4", version_rank="4", end_announced_on="2025-06-15"),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Résultat de la vérification : déclaration refusée" in page
    assert messages_of(response) == ["Déclaration refusée : 2 conditions du §4.3 non respectées."]
    assert "not_vague_1_version_or_later" in page and "obsolescence_made_public_before_date_0" in page
    assert "La version référencée en vague 1 et les versions ultérieures ne peuvent être obsolètes." in page
    assert "rendu public le 15/06/2025, pas avant la Date 0" in page
    assert '<th scope="row">§4.3</th>' in page
    assert ObsoleteVersion.objects.count() == 0


def test_declaration_errors_are_next_to_their_fields(ans):
    solution = SolutionFactory()
    response = ans.post(
        reverse("portal:ans_obsolete", args=[solution.pk]),
        declaration(version="", version_rank="trois", end_announced_on="31/02/2025"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_version-erreur">Indiquez la version.' in page
    assert 'id="id_version_rank-erreur">Saisissez un nombre entier.' in page
    assert 'id="id_end_announced_on-erreur">Saisissez une date valide.' in page
    assert '<label class="fr-label" for="id_version">' in page


# Pilot validation (§6.3)


@pytest.fixture
def pilot():
    version = enrolled_publisher_version()
    clients = [dossier(version, DossierState.ADVANCE_VALIDATED) for _ in range(5)]
    return submitted_pilot(version, clients)


def test_submitted_pilots_are_listed(ans, pilot):
    page = ans.get(reverse("portal:ans_pilots")).content.decode()
    assert f"Pilote n° {pilot.pk}" in page
    assert pilot.supplier.name in page and "Transmis à l&#x27;ANS" in page
    detail = ans.get(reverse("portal:ans_pilot", args=[pilot.pk])).content.decode()
    assert detail.count("<td>Avance validée</td>") == 5
    assert "Enregistrer la décision" in detail


def test_validating_a_pilot_publishes_the_first_installations(today, ans, pilot):
    today("2026-11-03")
    response = ans.post(reverse("portal:ans_pilot", args=[pilot.pk]), {"decision": "validate"}, follow=True)
    pilot.refresh_from_db()
    assert pilot.state == PilotState.VALIDATED
    assert pilot.solution_version.first_installations_on == date(2026, 11, 3)
    assert "premières installations réussies" in messages_of(response)[0]
    public = Client().get(reverse("portal:solutions")).content.decode()
    assert "Publiées le 03/11/2026" in public


def test_refusing_a_pilot_needs_a_reason(ans, pilot):
    response = ans.post(reverse("portal:ans_pilot", args=[pilot.pk]), {"decision": "refuse", "reason": " "})
    assert response.status_code == 400
    assert 'id="id_reason-erreur">Indiquez le motif du refus.' in response.content.decode()
    pilot.refresh_from_db()
    assert pilot.state == PilotState.SUBMITTED

    done = ans.post(
        reverse("portal:ans_pilot", args=[pilot.pk]),
        {"decision": "refuse", "reason": "PV n° 3 non signé par le Client."},
        follow=True,
    )
    pilot.refresh_from_db()
    assert (pilot.state, pilot.reason) == (PilotState.REFUSED, "PV n° 3 non signé par le Client.")
    assert "PV n° 3 non signé par le Client." in done.content.decode()
    assert "Enregistrer la décision" not in done.content.decode()


def test_a_pilot_is_decided_once(ans, pilot):
    ans.post(reverse("portal:ans_pilot", args=[pilot.pk]), {"decision": "validate"}, follow=True)
    response = ans.post(
        reverse("portal:ans_pilot", args=[pilot.pk]), {"decision": "refuse", "reason": "x"}, follow=True
    )
    assert messages_of(response) == [
        "Action « Refuser le périmètre pilote » impossible : le périmètre pilote est à l'état « Validé »."
    ]
    pilot.refresh_from_db()
    assert pilot.state == PilotState.VALIDATED

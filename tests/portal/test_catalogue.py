"""Public catalogue: referenced solutions with their profiles and first successful installations (§6.3), and
the obsolete versions (§4.3), in French, filtered by profile and paginated."""

from datetime import date

import pytest
from django.urls import reverse

from sons.dossiers.enums import PilotState
from sons.dossiers.models import Pilot
from sons.registry.models import ObsoleteVersion
from tests.db_factories import SolutionFactory, SolutionVersionFactory, enrolled_publisher_version

pytestmark = pytest.mark.django_db


def test_referenced_versions_with_profiles_and_first_installations(client):
    version = enrolled_publisher_version(profiles=["mk", "orthophoniste"], referenced_on="2026-06-01")
    version.first_installations_on = date(2026, 10, 2)
    version.save()
    Pilot.objects.create(
        supplier=version.solution.publisher.organisation, solution_version=version, state=PilotState.VALIDATED
    )
    other = enrolled_publisher_version(profiles=["sage_femme"])
    SolutionVersionFactory(pending=True, solution__name="Logiciel en instruction")

    response = client.get(reverse("portal:solutions"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Solutions logicielles référencées par l’ANS" in page
    assert version.solution.publisher.name in page and version.solution.name in page
    assert "Masseur-kinésithérapeute" in page and "Orthophoniste" in page and "Sage-femme" in page
    assert "01/06/2026" in page
    assert "Publiées le 02/10/2026" in page
    assert "1 périmètre pilote validé" in page
    assert other.solution.name in page
    assert "Non encore validées" in page  # the other version
    assert "Logiciel en instruction" not in page  # not referenced
    assert "2 versions" in page


def test_filter_by_profile(client):
    kine = enrolled_publisher_version(profiles=["mk"])
    midwife = enrolled_publisher_version(profiles=["sage_femme", "ide"])
    page = client.get(reverse("portal:solutions"), {"profil": "sage_femme"}).content.decode()
    assert midwife.solution.name in page
    assert kine.solution.name not in page
    assert "disposant du profil « Sage-femme »" in page
    assert '<option value="sage_femme" selected>' in page


def test_unknown_profile_is_a_400_in_french(client):
    response = client.get(reverse("portal:solutions"), {"profil": "plombier"})
    assert response.status_code == 400
    assert "Profil inconnu : « plombier »" in response.content.decode()


def test_the_list_is_paginated(client):
    solution = SolutionFactory(name="Grand logiciel")
    for rank in range(30):
        SolutionVersionFactory(solution=solution, version=f"{rank}.0", rank=rank)
    first = client.get(reverse("portal:solutions")).content.decode()
    assert "Page 1 sur 2" in first and "30 versions" in first
    assert "page=2" in first
    second = client.get(reverse("portal:solutions"), {"page": 2}).content.decode()
    assert "Page 2 sur 2" in second
    assert "<td>29.0</td>" in second and "<td>29.0</td>" not in first


def test_the_filter_stays_in_the_pagination_links(client):
    solution = SolutionFactory()
    for rank in range(26):
        SolutionVersionFactory(solution=solution, version=f"{rank}.0", rank=rank, profiles=["mk"])
    page = client.get(reverse("portal:solutions"), {"profil": "mk"}).content.decode()
    assert "?profil=mk&amp;page=2" in page


def test_empty_catalogue_says_so(client):
    page = client.get(reverse("portal:solutions")).content.decode()
    assert "Aucune version référencée." in page


def test_obsolete_versions_are_public(client):
    solution = SolutionFactory(name="Cabinet+")
    ObsoleteVersion.objects.create(
        solution=solution,
        version="3",
        rank=3,
        end_announced_on=date(2025, 1, 10),
        declared_on=date(2026, 9, 1),
    )
    response = client.get(reverse("portal:obsolete_versions"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Versions déclarées obsolètes" in page
    assert "Cabinet+" in page and solution.publisher.name in page
    assert "10/01/2025" in page and "01/09/2026" in page
    assert "1 version" in page


def test_no_obsolete_version(client):
    page = client.get(reverse("portal:obsolete_versions")).content.decode()
    assert "Aucune version n’a été déclarée obsolète." in page

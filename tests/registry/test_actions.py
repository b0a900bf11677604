"""Obsolete-version declarations are checked by the §4.3 rules before joining the public list."""

from datetime import date

import pytest
from django.test import Client

from sons.registry.actions import declare_obsolete
from sons.suppliers.enums import Role
from tests.db_factories import SolutionFactory, staff

pytestmark = pytest.mark.django_db


def declaration(**changes):
    data = {"version": "3", "version_rank": 3, "end_announced_on": date(2025, 1, 10),
            "versions_at_date_0": ["3", "4", "5"], "already_obsolete": [], "latest_in_production_at_date_0": "5",
            "vague_1_version_rank": 4}  # fmt: skip
    data.update(changes)
    return data


def test_accepted_declaration_is_public():
    ans, _ = staff(Role.ANS_AGENT, "ans")
    solution = SolutionFactory()
    obsolete, outcome = declare_obsolete(ans, solution, declaration(), on=date(2026, 9, 1))
    assert outcome.ok and obsolete is not None
    listed = Client().get("/api/obsolete-versions").json()
    assert listed == [{"solution": solution.name, "publisher": solution.publisher.name, "version": "3",
                       "end_announced_on": "2025-01-10"}]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"end_announced_on": date(2025, 6, 15)}, "obsolescence_made_public_before_date_0"),
        ({"version": "4", "version_rank": 4}, "not_vague_1_version_or_later"),
        (
            {"version": "5", "version_rank": 5, "vague_1_version_rank": None},
            "not_latest_version_in_production_at_date_0",
        ),
    ],
)
def test_refused_declaration(changes, rule):
    ans, _ = staff(Role.ANS_AGENT, "ans")
    obsolete, outcome = declare_obsolete(ans, SolutionFactory(), declaration(**changes), on=date(2026, 9, 1))
    assert obsolete is None
    assert rule in {f.rule for f in outcome.findings if f.severity == "blocking"}

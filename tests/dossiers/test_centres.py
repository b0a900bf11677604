"""An order for several centres de santé infirmiers (§4.2 « un ou plusieurs Centres de santé infirmier », each
identified by its FINESS géographique): each centre's facts come from the Base de référence, the caps add up per
centre, and a filed order holds every one of its centres, so that no centre gets a second Ségur order (§4.2
unicity) — checked before the write and guaranteed by the database."""

import copy

import pytest
from django.db import IntegrityError, transaction

from sons.dossiers import actions, declaration
from sons.dossiers.enums import DossierState
from sons.dossiers.models import DossierCentre
from sons.dossiers.snapshot import snapshot
from sons.errors import ClientTaken
from tests.db_factories import CentreFactory, enrolled_publisher_version, supplier_token
from tests.factories import BASE

pytestmark = pytest.mark.django_db
CAPS = {"A": "1890.00", "B": "2970.00"}  # §5.3, second table, TTC 20 %


@pytest.fixture
def order_for(today):
    """Files (or drafts) a centre's order for `main` and the `others` it names, one line per centre at its cap."""
    today("2026-09-01")
    version = enrolled_publisher_version()
    principal, _ = supplier_token(version.solution.publisher.organisation)

    def file(main, *others, amounts=None, draft=False, commitment=True):
        centres = (main, *others)
        amounts = amounts or [CAPS.get(c.tranche, "1890.00") for c in centres]
        lines = [{"label": "Prestation Ségur", "amount": amount, "finess_geo": c.finess_geo}
                 for c, amount in zip(centres, amounts, strict=True)]  # fmt: skip
        if not others:
            lines[0].pop("finess_geo")
        order = {**copy.deepcopy(BASE["order"]), "issued_on": "2026-08-01", "lines": lines,
                 "centre_certificate_commitment": True}  # fmt: skip
        client = {"finess_geo": main.finess_geo,
                  "additional_centres": [{"finess_geo": c.finess_geo, "certificate_commitment": commitment}
                                         for c in others]}  # fmt: skip
        body = {"client": client, "solution_version_id": version.pk, "order": order}
        return actions.file_one(principal, body, draft=draft)

    return file


def held(finess):
    return set(
        DossierCentre.objects.filter(finess_geo=finess, reserving=True).values_list("dossier", flat=True)
    )


def test_an_order_for_two_centres_is_financed_per_centre(order_for):
    first, second = CentreFactory(tranche="B"), CentreFactory(tranche="A")
    dossier = order_for(first, second)  # B (2 970,00) + A (1 890,00) TTC 20 %
    assert dossier.decision == "admissible", dossier.findings
    assert str(dossier.cap) == "4860.00"
    facts = snapshot(dossier, "advance", dossier.advance_filed_on)["client"]["additional_centres"]
    assert facts == [{"finess_geo": second.finess_geo, "tranche": "A", "centre_type": None,
                      "accord_national_2015": True, "staff_declared": True, "other_orders": 0,
                      "certificate_commitment": True}]  # fmt: skip
    assert held(first.finess_geo) == held(second.finess_geo) == {dossier.pk}


def test_the_cap_is_the_sum_one_cent_above_is_refused(order_for):
    dossier = order_for(
        CentreFactory(tranche="B"), CentreFactory(tranche="A"), amounts=["2970.00", "1890.01"]
    )
    assert dossier.decision == "not_admissible"


def test_another_centre_absent_from_the_base_de_reference_is_not_financed(order_for):
    absent = CentreFactory.build()  # never saved: not in the Base de référence
    dossier = order_for(CentreFactory(tranche="B"), absent)
    assert dossier.decision == "not_admissible"
    assert absent.finess_geo in " ".join(f["message"] for f in dossier.findings)


def test_a_missing_commitment_of_another_centre_blocks(order_for):
    dossier = order_for(CentreFactory(tranche="B"), CentreFactory(tranche="A"), commitment=False)
    assert dossier.decision == "not_admissible"


@pytest.mark.parametrize("named_as", ["the client", "another centre"])
def test_a_centre_held_by_an_order_cannot_be_ordered_again(order_for, named_as):
    first, second, third = CentreFactory(), CentreFactory(), CentreFactory()
    order_for(first, second)
    centres = (second,) if named_as == "the client" else (third, second)
    with pytest.raises(ClientTaken) as refused:
        order_for(*centres)
    assert second.finess_geo in refused.value.message


def test_an_order_naming_a_centre_already_ordered_as_a_client_is_refused(order_for):
    first, second = CentreFactory(), CentreFactory()
    order_for(second)
    with pytest.raises(ClientTaken):
        order_for(first, second)


def test_a_draft_holds_nothing_and_its_filing_is_refused_when_taken(order_for):
    first, second = CentreFactory(), CentreFactory()
    draft = order_for(CentreFactory(), second, draft=True)
    assert held(second.finess_geo) == set()
    order_for(first, second)
    with pytest.raises(ClientTaken):
        actions.file_advance(supplier_token(draft.supplier)[0], draft)


def test_a_rejected_order_frees_its_centres(order_for):
    first, second = CentreFactory(), CentreFactory()
    dossier = order_for(first, second)
    dossier.state = DossierState.ADVANCE_REJECTED
    dossier.save()
    assert held(second.finess_geo) == set()
    assert order_for(CentreFactory(), second).state == DossierState.ADVANCE_FILED


def test_the_database_refuses_a_centre_held_twice(order_for):
    first, second = CentreFactory(), CentreFactory()
    order_for(first, second)
    other = order_for(CentreFactory(), draft=True)
    with pytest.raises(IntegrityError), transaction.atomic():  # as a concurrent filing would write it
        DossierCentre.objects.create(dossier=other, finess_geo=second.finess_geo, reserving=True)


def test_the_directory_facts_of_other_centres_are_set_aside():
    body = {"client": {"finess_geo": "750000016", "additional_centres": [{"finess_geo": "750000024",
            "tranche": "E", "certificate_commitment": True}]}}  # fmt: skip
    assert declaration.set_aside(body) == ["client.additional_centres[0].tranche"]


def test_the_centres_rows_are_written_again_only_when_the_state_or_the_declaration_changes(
    order_for, django_assert_num_queries
):
    from sons.dossiers.models import Dossier

    first, second = CentreFactory(), CentreFactory()
    dossier = Dossier.objects.get(pk=order_for(first, second).pk)
    with django_assert_num_queries(1):  # the UPDATE of the dossier, not its centres' rows
        dossier.save()
    dossier.state = DossierState.ADVANCE_REJECTED  # frees its centres (§4.2)
    with django_assert_num_queries(3):  # the UPDATE, then the centres' rows deleted and written again
        dossier.save()
    assert held(first.finess_geo) == held(second.finess_geo) == set()
    with django_assert_num_queries(1):
        dossier.save()

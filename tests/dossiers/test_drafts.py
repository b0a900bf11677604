"""Drafts: corrected (whole or by a merge patch), abandoned, filed by an explicit step; only a filed dossier
reserves its client (a draft was never received, AF §2); the supplier's order reference, unique per organisation."""

import pytest
from django.db import IntegrityError, connection, transaction

from sons.audit.models import AuditEntry
from sons.dossiers import actions
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.errors import ClientTaken, Conflict, NotFound, ReferenceTaken, UnknownField
from tests.concurrency import run_together
from tests.db_factories import (
    EnrolmentFactory,
    OrganisationFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
    join_pieces,
    supplier_token,
)
from tests.declarations import order

pytestmark = pytest.mark.django_db


@pytest.fixture
def filer(today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    return version, supplier_token(version.solution.publisher.organisation)[0]


def declaration(version, rpps, **extra) -> dict:
    return {"client": {"rpps": rpps, "de_minimis_other_aid": "0.00"}, "solution_version_id": version.pk,
            "order": order(), **extra}  # fmt: skip


def other_filer(version):
    organisation = OrganisationFactory()
    EnrolmentFactory(organisation=organisation)
    return supplier_token(organisation)[0]


def test_a_draft_never_blocks_another_filing_of_its_client(filer):
    version, supplier = filer
    rpps = ProfessionalFactory().rpps
    first = actions.file_one(supplier, declaration(version, rpps), draft=True)
    second = actions.file_one(supplier, declaration(version, rpps), draft=True)  # two drafts: both kept
    filed = actions.file_one(other_filer(version), declaration(version, rpps))  # another supplier files
    assert (first.state, second.state, filed.state) == (S.DRAFT, S.DRAFT, S.ADVANCE_FILED)
    with pytest.raises(ClientTaken) as taken:  # now the draft's filing is refused: the client is reserved
        actions.file_advance(supplier, first)
    assert (taken.value.code, taken.value.status, taken.value.field) == ("client_taken", 409, "client")
    assert Dossier.objects.get(pk=first.pk).state == S.DRAFT


def test_a_draft_of_a_reserved_client_shows_the_rules_finding(filer):
    version, supplier = filer
    rpps = ProfessionalFactory().rpps
    actions.file_one(other_filer(version), declaration(version, rpps))
    draft = actions.file_one(supplier, declaration(version, rpps), draft=True)
    assert draft.decision == "not_admissible"
    assert "client_single_segur_order" in {f["rule"] for f in draft.findings}


def test_the_database_refuses_a_second_filed_order_but_not_a_draft(filer):
    version, supplier = filer
    dossier = actions.file_one(supplier, declaration(version, ProfessionalFactory().rpps))
    copy = Dossier.objects.get(pk=dossier.pk)
    copy.pk, copy.state = None, S.DRAFT
    copy.save()  # a draft of the same client: allowed
    copy.state = S.ADVANCE_FILED
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_draft_is_corrected_whole_then_by_a_patch_then_filed(filer):
    version, supplier = filer
    draft = actions.file_one(
        supplier, declaration(version, ProfessionalFactory().rpps, order=order(signed_on=None)), draft=True
    )
    assert draft.decision == "not_admissible"  # no signature date
    other = ProfessionalFactory().rpps
    corrected = actions.correct_draft(supplier, draft, declaration(version, other))
    assert (corrected.state, corrected.rpps, corrected.client_key) == (S.DRAFT, other, f"rpps:{other}")
    assert corrected.decision == "admissible"
    patched = actions.correct_draft(
        supplier, corrected, {"order": {"lines": [{"label": "Prestation Ségur", "amount": "200.00"}]},
                              "supplier_reference": "CMD-1"}, partial=True,
    )  # fmt: skip
    assert patched.declaration["order"]["signed_on"] == "2026-08-10"  # kept
    assert patched.declaration["order"]["lines"][0]["amount"] == "200.00"
    assert (patched.supplier_reference, patched.financed) == ("CMD-1", 200)
    join_pieces(patched, "advance")
    filed = actions.file_advance(supplier, patched)
    assert (filed.state, filed.advance_filed_on.isoformat()) == (S.ADVANCE_FILED, "2026-09-01")
    steps = list(filed.transitions.values_list("name", flat=True))
    assert steps == ["correct_draft", "correct_draft", "file_advance"]
    assert list(filed.evaluations.values_list("step", flat=True)) == [
        "draft", "correct_draft", "correct_draft", "file_advance",
    ]  # fmt: skip
    audited = AuditEntry.objects.filter(action="dossier.transition", target_id=str(filed.pk))
    assert audited.count() == 3


def test_a_correction_is_checked_as_a_filing_is(filer):
    version, supplier = filer
    draft = actions.file_one(supplier, declaration(version, ProfessionalFactory().rpps), draft=True)
    with pytest.raises(UnknownField) as unknown:
        actions.correct_draft(supplier, draft, {"order": {"signed_at": "2026-08-10"}}, partial=True)
    assert unknown.value.field == "order.signed_at" and "signed_on" in unknown.value.message
    with pytest.raises(NotFound):
        actions.correct_draft(supplier, draft, {"solution_version_id": 10**9}, partial=True)
    unchanged = Dossier.objects.get(pk=draft.pk)
    assert unchanged.declaration == draft.declaration and not unchanged.transitions.exists()


def test_only_a_draft_is_corrected_or_abandoned(filer):
    version, supplier = filer
    filed = actions.file_one(supplier, declaration(version, ProfessionalFactory().rpps))
    for act in (lambda: actions.correct_draft(supplier, filed, {}, partial=True),
                lambda: actions.cancel_draft(supplier, filed)):  # fmt: skip
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "conflict_state"


def test_an_abandoned_draft_frees_its_reference(filer):
    version, supplier = filer
    draft = actions.file_one(
        supplier, declaration(version, ProfessionalFactory().rpps, supplier_reference="CMD-7"), draft=True
    )
    with pytest.raises(ReferenceTaken) as taken:
        actions.file_one(
            supplier, declaration(version, ProfessionalFactory().rpps, supplier_reference="CMD-7")
        )
    assert (taken.value.code, taken.value.field) == ("reference_taken", "supplier_reference")
    cancelled = actions.cancel_draft(supplier, draft, "Commande annulée par le Client.")
    assert cancelled.state == S.CANCELLED
    assert cancelled.transitions.get().reason == "Commande annulée par le Client."
    again = actions.file_one(
        supplier, declaration(version, ProfessionalFactory().rpps, supplier_reference="CMD-7")
    )
    assert again.supplier_reference == "CMD-7"


def test_a_reference_is_unique_in_its_organisation_only(filer):
    version, supplier = filer
    results = actions.file_many(supplier, [declaration(version, ProfessionalFactory().rpps, supplier_reference="A")
                                           for _ in range(2)])  # fmt: skip
    assert results[0].dossier is not None and results[1].error.code == "reference_taken"
    elsewhere = actions.file_one(
        other_filer(version), declaration(version, ProfessionalFactory().rpps, supplier_reference="A")
    )
    assert elsewhere.supplier_reference == "A"
    assert Dossier.objects.filter(supplier_reference="A").count() == 2


def test_a_dry_run_writes_nothing(filer):
    version, supplier = filer
    before = Dossier.objects.count()
    dossier = actions.file_one(supplier, declaration(version, ProfessionalFactory().rpps), dry_run=True)
    assert (dossier.pk, dossier.decision, str(dossier.financed)) == (None, "admissible", "270.00")
    assert (
        Dossier.objects.count() == before
        and not AuditEntry.objects.filter(action__startswith="dossier").exists()
    )


@pytest.mark.django_db(transaction=True)
def test_two_drafts_of_one_client_filed_at_once_give_one_order(today):
    if connection.vendor != "postgresql":
        pytest.skip("la concurrence se prouve sur PostgreSQL")
    today("2026-09-01")
    version = enrolled_publisher_version()
    rpps = ProfessionalFactory().rpps
    filers = [supplier_token(version.solution.publisher.organisation)[0], other_filer(version)]
    drafts = [actions.file_one(f, declaration(version, rpps), draft=True) for f in filers]
    for draft in drafts:
        join_pieces(draft, "advance")
    outcomes = run_together(lambda pair: actions.file_advance(*pair), list(zip(filers, drafts, strict=True)))
    assert sorted(type(o).__name__ for o in outcomes) == ["ClientTaken", "Dossier"]
    assert Dossier.objects.reserving().filter(client_key=f"rpps:{rpps}").count() == 1

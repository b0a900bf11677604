"""The pieces the AF requires with a request, checked again at its validation: the direct filing doors (without
draft, in bulk, the CLI) file first and join the PDFs after, so a request without the copy of its signed order
(§6.2), or a balance without its invoice and VA (§6.4), is not conforming and cannot be validated — nor paid."""

from datetime import date

import pytest

from sons import clock
from sons.dossiers import actions, pieces
from sons.dossiers.enums import DocumentKind
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.errors import CODES, MissingPiece
from sons.suppliers.enums import Role
from tests.db_factories import (
    DossierFactory,
    ProfessionalFactory,
    enrolled_publisher_version,
    join_pieces,
    staff,
    supplier_token,
)
from tests.declarations import order

pytestmark = pytest.mark.django_db

ORDER_LABEL = "Copie du bon de commande de la Prestation Ségur signé par le Client (AF §6.2)"


@pytest.fixture
def bulk_filed(today):
    """Three advance requests filed through the bulk door (sons.dossiers.actions.file_many), no piece joined."""
    today("2026-09-01")
    version = enrolled_publisher_version()
    supplier = supplier_token(version.solution.publisher.organisation)[0]
    items = [{"client": {"rpps": p.rpps}, "solution_version_id": version.pk, "order": order(),
              "de_minimis_other_aid": "0.00"} for p in ProfessionalFactory.create_batch(3)]  # fmt: skip
    results = actions.file_many(supplier, items)
    assert all(result.error is None for result in results)
    return [result.dossier for result in results]


@pytest.fixture
def instructor():
    return staff(Role.ASP_INSTRUCTOR, "instructrice-pieces")[0]


def test_an_advance_filed_without_its_signed_order_is_validated_only_once_it_is_joined(
    bulk_filed, instructor
):
    dossier = bulk_filed[0]
    assert dossier.state == S.ADVANCE_FILED and dossier.decision == "admissible"
    with pytest.raises(MissingPiece) as refused:
        actions.validate(instructor, dossier)
    error = refused.value
    assert (error.code, error.status, error.field, error.details["missing"]) == (
        "missing_piece", 422, "documents", ["order"])  # fmt: skip
    assert CODES[error.code][0] == error.status
    assert error.message == (
        f"Validation impossible : pièce(s) obligatoire(s) manquante(s) — {ORDER_LABEL}. Demandez un complément "
        "au Fournisseur."
    )
    kept = Dossier.objects.get(pk=dossier.pk)  # nothing written: no step, no evaluation, no validation date
    assert (kept.state, kept.advance_validated_on) == (S.ADVANCE_FILED, None)
    assert not kept.transitions.filter(name="validate_advance").exists()
    assert not kept.evaluations.filter(step="validate_advance").exists()
    # The instructor asks for it; the supplier joins it and answers; the validation goes through.
    actions.request_completion(instructor, dossier, f"Merci de joindre : {ORDER_LABEL}.")
    assert [p.kind for p in pieces.missing_under_instruction(Dossier.objects.get(pk=dossier.pk))] == ["order"]
    join_pieces(dossier, "advance")
    actions.complete(supplier_token(dossier.supplier)[0], dossier, {}, "Bon de commande signé joint.")
    assert actions.validate(instructor, dossier).state == S.ADVANCE_VALIDATED


def test_a_bulk_decision_reports_the_missing_order_for_its_dossier_and_validates_the_others(
    bulk_filed, instructor
):
    lacking, *complete = bulk_filed
    for dossier in complete:
        join_pieces(dossier, "advance")
    report = actions.decide_many(instructor, {d.pk: d for d in bulk_filed} | {0: None}, "validate", "")
    assert report[0] == {
        "id": lacking.pk, "status": "error", "code": "missing_piece", "field": "documents",
        "message": f"Validation impossible : pièce(s) obligatoire(s) manquante(s) — {ORDER_LABEL}. Demandez un "
                   "complément au Fournisseur.",
    }  # fmt: skip
    assert report[1:3] == [{"id": d.pk, "status": "ok", "state": S.ADVANCE_VALIDATED} for d in complete]
    assert report[3] == {"id": 0, "status": "error", "code": "not_found", "message": "Dossier introuvable."}
    assert Dossier.objects.get(pk=lacking.pk).state == S.ADVANCE_FILED


def test_a_balance_whose_piece_is_missing_is_not_validated(today, instructor):
    """A balance cannot be filed without its invoice and VA (§6.4); its validation checks them again all the
    same (a dossier from before that check, a piece withdrawn by an operator)."""
    today("2026-09-01")
    dossier = DossierFactory(balance_filed=True)
    dossier.documents.filter(kind=DocumentKind.VA).delete()
    with clock.as_of(date(2026, 10, 20)):
        with pytest.raises(MissingPiece) as refused:
            actions.validate(instructor, dossier)
        assert refused.value.details["missing"] == ["va"]
        va = "Attestation de Vérification d'aptitude (VA) signée par un représentant du Client (AF §6.4)"
        assert va in refused.value.message
        assert Dossier.objects.get(pk=dossier.pk).state == S.BALANCE_FILED
        join_pieces(dossier, "balance")
        assert actions.validate(instructor, dossier).state == S.BALANCE_VALIDATED


def test_the_queue_annotation_marks_only_the_advances_under_instruction_without_their_order(
    bulk_filed, instructor
):
    lacking, joined, _ = bulk_filed
    join_pieces(joined, "advance")
    draft = DossierFactory(draft=True)  # its filing will ask for the order: not under instruction yet
    validated = DossierFactory(advance_validated=True)
    actions.request_completion(instructor, bulk_filed[2], f"Merci de joindre : {ORDER_LABEL}.")
    marked = dict(pieces.with_order_missing(Dossier.objects.all()).values_list("pk", "order_missing"))
    assert marked == {lacking.pk: True, joined.pk: False, bulk_filed[2].pk: True, draft.pk: False,
                      validated.pk: False}  # fmt: skip

"""Drafts in the portal (edited, deleted until filed), the filing's recap with the pieces the AF requires
(§6.2, §6.4), the refusal while one is missing (the API alike), and the confirmation a « Non recevable » draft
asks before it is filed."""

import pytest
from django.urls import reverse

from sons.dossiers import actions
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.errors import CODES, MissingPiece
from tests.db_factories import DossierFactory, join_pieces
from tests.portal.test_spaces import signed_in

pytestmark = pytest.mark.django_db


def draft_form(spaces, n=0, **changes) -> dict:
    form = {"rpps": spaces.professionals[n].rpps, "solution_version": spaces.version.pk, "issued_on": "2026-08-01",
            "signed_on": "2026-08-10", "signature": "psc", "amount": "270.00", "vat_rate": "20",
            "in_client_name": "on", "mention_state_funded": "on", "de_minimis_other_aid": "0"}  # fmt: skip
    return {key: value for key, value in {**form, **changes}.items() if value is not None}


def new_draft(client, spaces, **changes) -> Dossier:
    response = client.post(reverse("portal:dossier_new"), draft_form(spaces, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.order_by("-pk").first()


def test_a_draft_is_edited_in_the_portal_and_evaluated_again(client, spaces):
    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces, mention_state_funded=None)  # the mention missing: not admissible
    assert draft.decision == "not_admissible"
    page = client.get(reverse("portal:dossier", args=[draft.pk])).content.decode()
    assert reverse("portal:dossier_edit", args=[draft.pk]) in page
    assert reverse("portal:dossier_delete", args=[draft.pk]) in page
    form = client.get(reverse("portal:dossier_edit", args=[draft.pk])).content.decode()
    assert 'value="270.00"' in form and 'value="2026-08-10"' in form  # the draft's values, kept
    response = client.post(
        reverse("portal:dossier_edit", args=[draft.pk]), draft_form(spaces, amount="200.00")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.decision, draft.financed) == (S.DRAFT, "admissible", 200)
    assert list(draft.transitions.values_list("name", flat=True)) == ["correct_draft"]


def test_a_filed_dossier_is_no_longer_editable(client, spaces):
    signed_in(client, spaces.supplier)
    filed = spaces.file(spaces.professionals[0])
    response = client.post(reverse("portal:dossier_edit", args=[filed.pk]), draft_form(spaces, amount="1.00"))
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.financed == 270 and filed.state == S.ADVANCE_FILED
    assert (
        reverse("portal:dossier_edit", args=[filed.pk])
        not in client.get(reverse("portal:dossier", args=[filed.pk])).content.decode()
    )


def test_deleting_a_draft_asks_confirmation_and_frees_its_client(client, spaces):
    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces)
    confirm = client.get(reverse("portal:dossier_delete", args=[draft.pk]))
    assert confirm.status_code == 200 and "Confirmer la suppression" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT  # nothing done by the GET
    assert client.post(reverse("portal:dossier_delete", args=[draft.pk])).url == reverse(
        "portal:supplier_dossiers"
    )
    draft.refresh_from_db()
    assert draft.state == S.CANCELLED
    again = new_draft(client, spaces)  # the same client: a new dossier, filed
    join_pieces(again, "advance")
    client.post(reverse("portal:dossier_file", args=[again.pk]))
    again.refresh_from_db()
    assert again.state == S.ADVANCE_FILED


def test_another_supplier_can_neither_edit_nor_delete_a_draft(client, spaces):
    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces)
    client.logout()
    signed_in(client, spaces.other_supplier)
    for name in ("portal:dossier_edit", "portal:dossier_delete", "portal:dossier_file"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
        assert client.post(reverse(name, args=[draft.pk])).status_code == 404


def test_the_recap_lists_findings_amounts_and_the_pieces_of_section_6_2(client, spaces):
    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces)
    recap = client.get(reverse("portal:dossier_file", args=[draft.pk]))
    page = recap.content.decode()
    assert recap.status_code == 200
    assert (
        "Copie du bon de commande de la Prestation Ségur signé par le Client" in page and "manquante" in page
    )
    assert "108,00" in page and "270,00" in page  # the advance and the financed amount
    assert "Recevable" in page
    join_pieces(draft, "advance")
    assert "jointe" in client.get(reverse("portal:dossier_file", args=[draft.pk])).content.decode()


def test_filing_is_refused_while_the_signed_order_is_missing(client, spaces):
    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces)
    response = client.post(reverse("portal:dossier_file", args=[draft.pk]))
    assert response.status_code == 400
    assert "pièce(s) obligatoire(s) manquante(s)" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    with pytest.raises(MissingPiece) as refused:  # the domain refuses it: the API's door too
        actions.file_advance(spaces.supplier, draft)
    assert (refused.value.code, refused.value.status, refused.value.details["missing"]) == (
        "missing_piece", 422, ["order"])  # fmt: skip
    assert "missing_piece" in CODES


def test_a_not_admissible_draft_is_filed_only_with_explicit_confirmation(client, spaces):
    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces, mention_state_funded=None)
    join_pieces(draft, "advance")
    recap = client.get(reverse("portal:dossier_file", args=[draft.pk])).content.decode()
    assert "non recevable" in recap and 'name="confirm_blocking"' in recap
    refused = client.post(reverse("portal:dossier_file", args=[draft.pk]))
    assert refused.status_code == 400 and "Confirmation" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    client.post(reverse("portal:dossier_file", args=[draft.pk]), {"confirm_blocking": "on"})
    draft.refresh_from_db()
    assert draft.state == S.ADVANCE_FILED


def test_the_balance_is_refused_without_the_invoice_and_the_va(today):
    from tests.db_factories import BALANCE, validated_pilot

    today("2026-09-01")
    dossier = DossierFactory(advance_paid=True)
    validated_pilot(dossier.solution_version)
    supplier = actions_supplier(dossier)
    with pytest.raises(MissingPiece) as refused:
        actions.file_balance(supplier, dossier, BALANCE)
    assert refused.value.details["missing"] == ["invoice", "va"]
    join_pieces(dossier, "balance")
    assert actions.file_balance(supplier, dossier, BALANCE).state == S.BALANCE_FILED


def actions_supplier(dossier):
    from tests.db_factories import supplier_token

    return supplier_token(dossier.supplier)[0]


def test_the_missing_order_is_joined_from_the_recap_itself(client, spaces):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.documents.pdfs import text_pdf

    signed_in(client, spaces.supplier)
    draft = new_draft(client, spaces)
    recap = client.get(reverse("portal:dossier_file", args=[draft.pk])).content.decode()
    assert (
        reverse("portal:dossier_upload", args=[draft.pk]) in recap
        and '<option value="order" selected>' in recap
    )
    upload = SimpleUploadedFile("commande.pdf", text_pdf("Bon de commande"), content_type="application/pdf")
    joined = client.post(reverse("portal:dossier_upload", args=[draft.pk]),
                         {"kind": "order", "file": upload, "retour": "depot"})  # fmt: skip
    assert joined.url == reverse("portal:dossier_file", args=[draft.pk])
    client.post(reverse("portal:dossier_file", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.state == S.ADVANCE_FILED

"""Enrolment (§6.1): filed with its form and PDFs → to_complete ⇄ filed → validated | rejected, checked by the
rules; each step in the history and the audit journal; a change of bank details validated before use."""

import pytest

from sons.audit.models import AuditEntry
from sons.suppliers import actions
from sons.suppliers.actions import TransitionRefused, enrolment_step, organisation_may_file
from sons.suppliers.enums import BankChangeState, MemberRole, OrganisationKind, PieceKind
from sons.suppliers.errors import NotAllowed, Refused
from sons.suppliers.models import BankChange, Enrolment, EnrolmentPiece, EnrolmentTransition, Organisation
from sons.suppliers.perms import Principal
from tests.suppliers.world import IBAN, joining, member, pdf

pytestmark = pytest.mark.django_db


def pieces(*kinds):
    return {kind: [pdf(f"{kind}.pdf")] for kind in kinds}


def test_filing_stores_the_form_the_pieces_and_the_rules_findings():
    world = joining()
    enrolment = actions.file_enrolment(
        world.admin, world.form(), pieces(PieceKind.RIB, PieceKind.SWORN_STATEMENT)
    )
    assert enrolment.state == "filed"
    assert sorted(EnrolmentPiece.objects.values_list("kind", flat=True)) == ["rib", "sworn_statement"]
    assert not [f for f in enrolment.findings if f["severity"] == "blocking"]
    (row,) = EnrolmentTransition.objects.all()
    assert (row.name, row.from_state, row.to_state, row.actor_label) == (
        "file",
        "",
        "filed",
        "admin-fournisseur",
    )
    assert AuditEntry.objects.filter(action="enrolment.transition").count() == 1
    assert organisation_may_file(world.organisation).startswith(
        "La demande d'enrôlement de votre organisation est en cours"
    )


def test_completion_loop_then_validation_applies_the_validated_facts():
    world = joining()
    events = []
    enrolment_step.connect(lambda sender, transition, **kw: events.append(transition.name), weak=False,
                           dispatch_uid="test-events")  # fmt: skip
    try:
        enrolment = actions.file_enrolment(
            world.admin, world.form(hosts_health_data=True), pieces(PieceKind.RIB)
        )
        assert any("certificat(s) HDS" in f["message"] for f in enrolment.findings)
        with pytest.raises(TransitionRefused, match="certificat"):
            actions.validate(world.instructor, enrolment)
        enrolment = actions.request_completion(world.instructor, enrolment, "Joignez le certificat HDS.")
        assert enrolment.state == "to_complete" and enrolment.message == "Joignez le certificat HDS."
        with pytest.raises(TransitionRefused, match="« À compléter »"):
            actions.validate(world.instructor, enrolment)
        enrolment = actions.complete_enrolment(
            world.admin,
            world.form(hosts_health_data=True),
            pieces(PieceKind.HDS_CERTIFICATE),
            "Certificat joint.",
        )
        assert enrolment.state == "filed" and not [
            f for f in enrolment.findings if f["severity"] == "blocking"
        ]
        enrolment = actions.validate(world.instructor, enrolment)
    finally:
        enrolment_step.disconnect(dispatch_uid="test-events")
    assert enrolment.state == "validated"
    assert events == ["file", "request_completion", "complete", "validate"]
    organisation = Organisation.objects.get(pk=world.organisation.pk)
    assert (organisation.iban, organisation.hds_certificates, organisation.psc_user_service_operator) == (
        IBAN,
        1,
        True,
    )
    world.solution.publisher.refresh_from_db()
    assert (
        world.solution.publisher.organisation_id == organisation.pk
    )  # the registry's publisher is now linked
    assert organisation_may_file(organisation) is None
    names = list(EnrolmentTransition.objects.values_list("name", flat=True))
    assert names == ["file", "request_completion", "complete", "validate"]


def test_no_psc_habilitation_cannot_be_validated_and_can_be_rejected():
    world = joining()
    enrolment = actions.file_enrolment(
        world.admin, world.form(psc_user_service_operator=False), pieces(PieceKind.RIB)
    )
    with pytest.raises(TransitionRefused, match="Pro Santé Connect"):
        actions.validate(world.instructor, enrolment)
    with pytest.raises(Refused, match="motif"):
        actions.reject(world.instructor, enrolment, "  ")
    enrolment = actions.reject(world.instructor, enrolment, "Habilitation PSC manquante.")
    assert enrolment.state == "rejected"
    assert "rejetée" in organisation_may_file(world.organisation)
    again = actions.file_enrolment(world.admin, world.form(), {})  # filed again after a rejection
    assert again.state == "filed" and again.pk == enrolment.pk


def test_a_distributor_joins_the_publishers_declaration_and_mandate():
    world = joining(OrganisationKind.DISTRIBUTOR)
    enrolment = actions.file_enrolment(
        world.admin, world.form(), pieces(PieceKind.RIB, PieceKind.SWORN_STATEMENT)
    )
    messages = " ".join(f["message"] for f in enrolment.findings if f["severity"] == "blocking")
    assert "déclaré" in messages and "mandat" in messages
    enrolment = actions.request_completion(world.instructor, enrolment, "Déclaration et mandat manquants.")
    enrolment = actions.complete_enrolment(
        world.admin, world.form(), pieces(PieceKind.PUBLISHER_DECLARATION, PieceKind.PUBLISHER_MANDATE)
    )
    assert actions.validate(world.instructor, enrolment).state == "validated"
    world.solution.publisher.refresh_from_db()
    assert world.solution.publisher.organisation_id is None  # a distributor is not the publisher


@pytest.mark.parametrize(
    ("changes", "files", "field", "message"),
    [
        ({"iban": "FR7630006000011234567890188"}, (PieceKind.RIB,), "iban", "IBAN invalide"),
        ({"iban": "US64SVBKUS6S3300958879"}, (PieceKind.RIB,), "iban", "IBAN invalide"),
        ({"iban": "BR1800360305000010009795493C1"}, (PieceKind.RIB,), "iban", "hors de la zone SEPA"),
        ({"bic": "AGRI"}, (PieceKind.RIB,), "bic", "BIC invalide"),
        ({"solution_id": 0}, (PieceKind.RIB,), "solution_id", "Choisissez"),
        ({"hosts_health_data": None}, (PieceKind.RIB,), "hosts_health_data", "hébergez"),
        ({}, (), "rib", "pièce obligatoire"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(changes, files, field, message):
    world = joining()
    with pytest.raises(Refused, match=message) as refusal:
        actions.file_enrolment(world.admin, world.form(**changes), pieces(*files))
    assert refusal.value.field == field
    assert not Enrolment.objects.exists() and not EnrolmentPiece.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"GIF89a not a pdf", "seuls les fichiers PDF"), (b"%PDF-1.4 garbage", "PDF illisible")],
)
def test_a_piece_that_is_not_a_readable_pdf_is_refused(content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = joining()
    bad = {PieceKind.RIB: [SimpleUploadedFile("rib.pdf", content)]}
    with pytest.raises(Refused, match=message) as refusal:
        actions.file_enrolment(world.admin, world.form(), bad)
    assert refusal.value.field == "rib"
    assert not Enrolment.objects.exists()


def test_only_the_organisations_filers_file_and_only_instructors_decide():
    world = joining()
    reader = member(world.organisation, "lecteur", MemberRole.READER)
    with pytest.raises(NotAllowed, match="lecteur"):
        actions.file_enrolment(reader, world.form(), pieces(PieceKind.RIB))
    enrolment = actions.file_enrolment(
        world.admin, world.form(), pieces(PieceKind.RIB, PieceKind.SWORN_STATEMENT)
    )
    with pytest.raises(NotAllowed):
        actions.validate(world.admin, enrolment)


def test_bank_details_change_only_after_the_asp_validates_them():
    world = joining()
    enrolment = actions.file_enrolment(
        world.admin, world.form(), pieces(PieceKind.RIB, PieceKind.SWORN_STATEMENT)
    )
    with pytest.raises(TransitionRefused, match="une fois l'enrôlement validé"):
        actions.file_bank_change(world.admin, "DE89370400440532013000", "COBADEFFXXX", pdf("rib.pdf"))
    actions.validate(world.instructor, enrolment)
    change = actions.file_bank_change(
        world.admin, "DE89 3704 0044 0532 0130 00", "COBADEFFXXX", pdf("rib.pdf")
    )
    assert Organisation.objects.get(pk=world.organisation.pk).iban == IBAN  # payments keep the validated IBAN
    with pytest.raises(TransitionRefused, match="attend déjà"):
        actions.file_bank_change(world.admin, "DE89370400440532013000", "COBADEFFXXX", pdf("rib.pdf"))
    change = actions.decide_bank_change(world.instructor, change, accept=True)
    assert change.state == BankChangeState.VALIDATED
    assert Organisation.objects.get(pk=world.organisation.pk).iban == "DE89370400440532013000"
    rejected = actions.file_bank_change(
        world.admin, "FR7630006000011234567890189", "AGRIFRPP", pdf("rib.pdf")
    )
    actions.decide_bank_change(world.instructor, rejected, accept=False, reason="RIB illisible.")
    assert Organisation.objects.get(pk=world.organisation.pk).iban == "DE89370400440532013000"
    steps = list(EnrolmentTransition.objects.values_list("name", flat=True))
    assert steps[-4:] == [
        "file_bank_change",
        "validate_bank_change",
        "file_bank_change",
        "reject_bank_change",
    ]
    assert BankChange.objects.count() == 2


def test_a_filer_cannot_change_the_bank_details():
    world = joining()
    enrolment = actions.file_enrolment(
        world.admin, world.form(), pieces(PieceKind.RIB, PieceKind.SWORN_STATEMENT)
    )
    actions.validate(world.instructor, enrolment)
    filer = member(world.organisation, "deposant", MemberRole.FILER)
    with pytest.raises(NotAllowed, match="administrateurs"):
        actions.file_bank_change(filer, "DE89370400440532013000", "COBADEFFXXX", pdf("rib.pdf"))


def test_an_organisation_token_files_as_the_organisation():
    world = joining()
    token = Principal("supplier_member", "système", None, world.organisation)
    assert token.may_file
    assert actions.file_enrolment(token, world.form(), pieces(PieceKind.RIB)).state == "filed"

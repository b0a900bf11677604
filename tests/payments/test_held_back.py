"""A validated request whose required piece is missing (validated before its validation required it, AF §6.2
and §6.4) is never put in a payment batch: the batch takes the others, its audit entry counts the request held
back, and the paying agent's page says how many wait for a piece. Once the piece is joined, the next batch
takes it."""

import pytest
from django.urls import reverse

from sons.audit.models import AuditEntry
from sons.dossiers.enums import DocumentKind
from sons.dossiers.models import Document
from sons.payments.actions import held_back_for_pieces, nothing_to_pay, prepare_batch
from sons.payments.models import Payment
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, staff
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


def without(dossier, kind: str) -> list:
    """The dossier's pieces of `kind`, taken out (as a dossier validated before the pieces were required)."""
    documents = list(Document.objects.filter(dossier=dossier, kind=kind))
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(dossier=None)
    return documents


def test_an_advance_without_its_order_waits_for_it():
    complete, lacking = DossierFactory(advance_validated=True), DossierFactory(advance_validated=True)
    order = without(lacking, DocumentKind.ORDER)
    assert order and list(held_back_for_pieces()) == [lacking]
    paying = staff(Role.ASP_PAYING_AGENT, "agent-payeur")[0]
    batch = prepare_batch(paying)
    assert [p.dossier_id for p in batch.payments.all()] == [complete.pk]
    entry = AuditEntry.objects.get(action="payment.batch_prepared")
    assert entry.payload["payments"] == 1 and entry.payload["held_back"] == 1
    assert prepare_batch(paying) is None  # still waiting: nothing to pay
    assert nothing_to_pay() == (
        "Aucune demande validée à payer : 1 demande(s) validée(s) attendent une pièce obligatoire (AF §6.2, "
        "§6.4) avant d'être mises en lot."
    )
    Document.objects.filter(pk__in=[d.pk for d in order]).update(dossier=lacking)
    assert not held_back_for_pieces().exists()
    assert [p.dossier_id for p in prepare_batch(paying).payments.all()] == [lacking.pk]


@pytest.mark.parametrize("kind", [DocumentKind.INVOICE, DocumentKind.VA])
def test_a_balance_without_its_invoice_or_its_va_waits(kind):
    lacking = DossierFactory(balance_validated=True)
    without(lacking, kind)
    assert prepare_batch(staff(Role.ASP_PAYING_AGENT, "agent-payeur")[0]) is None
    assert not Payment.objects.filter(dossier=lacking, kind="balance").exists()


def test_the_paying_agents_page_counts_the_requests_waiting_for_a_piece():
    client = signed_in(Role.ASP_PAYING_AGENT, "agent-payeur")
    assert "en attente d'une pièce" not in client.get(reverse("portal:batches")).content.decode()
    without(DossierFactory(advance_validated=True), DocumentKind.ORDER)
    page = client.get(reverse("portal:batches")).content.decode()
    assert "1 demande validée en attente d'une pièce" in page

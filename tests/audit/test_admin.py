"""The journal in the admin: visible, never changeable."""

import pytest
from django.db import transaction
from django.urls import reverse

from sons.audit.journal import record
from sons.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    with transaction.atomic():
        return record(
            "payment.booked", actor="agent.asp", target=("dossiers.dossier", 7), payload={"montant": "108.00"}
        )


def test_the_list_and_the_entry_are_readable(admin_client, entry):
    listing = admin_client.get(reverse("admin:audit_auditentry_changelist"))
    detail = admin_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))

    assert listing.status_code == 200
    assert "payment.booked" in listing.content.decode()
    assert detail.status_code == 200
    assert entry.hash in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()


def test_nothing_can_be_added_changed_or_deleted(admin_client, entry):
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert admin_client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {}).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.get().actor == "agent.asp"

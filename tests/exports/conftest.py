"""A small, fixed population for the exports: four dossiers of two suppliers (IDE, MK, IPA, centre), two
payment batches, a recovery case partly repaid. Built with the ORM: the exports only read."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from sons.directory.enums import Profession
from sons.directory.models import Centre
from sons.dossiers.enums import ClientKind, DossierState
from sons.dossiers.models import Dossier
from sons.payments.enums import BatchState, PaymentKind, PaymentStatus
from sons.payments.models import Payment, PaymentBatch
from sons.recoveries.enums import RecoveryGround
from sons.recoveries.models import RecoveryCase, Repayment
from sons.suppliers.models import Organisation

D = Decimal


@dataclass
class Population:
    ide: Dossier
    mk: Dossier
    ipa: Dossier
    centre: Dossier
    other_supplier: Organisation
    confirmed: PaymentBatch
    prepared: PaymentBatch
    case: RecoveryCase


def identity(client) -> dict:
    if isinstance(client, Centre):
        return {
            "client_kind": ClientKind.CENTRE,
            "finess_geo": client.finess_geo,
            "client_key": client.finess_geo,
        }
    return {"client_kind": ClientKind.PROFESSIONAL, "rpps": client.rpps, "client_key": client.rpps}


def dossier(world, organisation, client, state, filed_on, **money) -> Dossier:
    return Dossier.objects.create(
        supplier=organisation, solution_version=world.version, state=state, advance_filed_on=filed_on,
        order_signed_on=date(2026, 8, 10), financed=D("270.00"), advance_amount=D("108.00"),
        balance_amount=D("162.00"), **identity(client), **money,
    )  # fmt: skip


@pytest.fixture
def population(world):
    ide, mk, ipa = world.professionals[:3]
    mk.profession = Profession.MK
    mk.save()
    ipa.is_ipa = True
    ipa.save()
    other = Organisation.objects.exclude(pk=world.organisation.pk).get()
    Organisation.objects.filter(pk=world.organisation.pk).update(name="Éditeur « Santé » & Cie")
    world.centre.tranche = "C"
    world.centre.save()

    ide_dossier = dossier(world, world.organisation, ide, DossierState.ADVANCE_VALIDATED, date(2026, 9, 2))
    mk_dossier = dossier(world, world.organisation, mk, DossierState.ADVANCE_PAID, date(2026, 9, 10),
                         paid_advance=D("108.00"))  # fmt: skip
    ipa_dossier = dossier(world, other, ipa, DossierState.ADVANCE_FILED, date(2026, 10, 1))
    centre_dossier = dossier(world, world.organisation, world.centre, DossierState.RECOVERY_ORDERED, date(2026, 9, 5),
                             paid_advance=D("108.00"), paid_balance=D("162.00"), recovered=D("50.00"))  # fmt: skip

    confirmed = PaymentBatch.objects.create(
        prepared_by="agent", state=BatchState.CONFIRMED, total=D("216.00")
    )
    for paid in (mk_dossier, centre_dossier):
        Payment.objects.create(dossier=paid, kind=PaymentKind.ADVANCE, amount=D("108.00"), batch=confirmed,
                               status=PaymentStatus.BOOKED, booked_on=date(2026, 9, 20))  # fmt: skip
    prepared = PaymentBatch.objects.create(prepared_by="agent", total=D("162.00"))
    Payment.objects.create(
        dossier=centre_dossier, kind=PaymentKind.BALANCE, amount=D("162.00"), batch=prepared
    )

    case = RecoveryCase.objects.create(
        dossier=centre_dossier, ground=RecoveryGround.ERRONEOUS_DECLARATION,
        amount=D("270.00"), opened_on=date(2026, 11, 2), formal_notice_sent_on=date(2026, 11, 3),
    )  # fmt: skip
    for amount in ("20.00", "30.00"):
        Repayment.objects.create(
            case=case, dossier=centre_dossier, amount=D(amount), received_on=date(2026, 12, 1)
        )
    return Population(ide_dossier, mk_dossier, ipa_dossier, centre_dossier, other, confirmed, prepared, case)

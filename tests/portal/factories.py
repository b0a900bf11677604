"""Rows for the portal's pages: dossiers in a given state with known amounts, their transitions, pilots,
and a signed-in test client per role."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model
from django.test import Client

from sons.directory.enums import Profession
from sons.dossiers.enums import ClientKind, DossierState, PilotState
from sons.dossiers.models import Dossier, Pilot, PilotClient, Transition
from sons.rules.identifiers import with_luhn_key
from sons.suppliers.models import Membership, Organisation
from tests.db_factories import CentreFactory, ProfessionalFactory
from tests.second_factor import verified

_numbers = count(1)


def signed_in(role: str, username: str, organisation: Organisation | None = None) -> Client:
    """A test client signed in as a user with `role` (a supplier member belongs to `organisation`)."""
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, role=role, organisation=organisation)
    client = Client()
    client.force_login(user)
    return verified(client, user)


def dossier(
    version,
    state: str = DossierState.ADVANCE_PAID,
    *,
    financed: str = "270.00",
    paid_advance: str = "0.00",
    paid_balance: str = "0.00",
    recovered: str = "0.00",
    profession: str | None = Profession.IDE,
    is_ipa: bool = False,
    centre: bool = False,
    advance_filed_on=None,
    supplier: Organisation | None = None,
) -> Dossier:
    """A dossier of `version` written as it stands (no workflow), its client in the directory."""
    n = next(_numbers)
    if centre:
        finess = CentreFactory().finess_geo
        identity = {"client_kind": ClientKind.CENTRE, "finess_geo": finess, "client_key": f"F{finess}"}
    else:
        rpps = with_luhn_key(f"2{n:09d}")
        if profession is not None:
            ProfessionalFactory(rpps=rpps, profession=profession, is_ipa=is_ipa)
        identity = {"client_kind": ClientKind.PROFESSIONAL, "rpps": rpps, "client_key": f"R{rpps}"}
    financed_amount = Decimal(financed)
    return Dossier.objects.create(
        supplier=supplier or version.solution.publisher.organisation,
        solution_version=version,
        state=state,
        financed=financed_amount,
        cap=financed_amount,
        advance_amount=(financed_amount * Decimal("0.4")).quantize(Decimal("0.01")),
        balance_amount=financed_amount - (financed_amount * Decimal("0.4")).quantize(Decimal("0.01")),
        paid_advance=Decimal(paid_advance),
        paid_balance=Decimal(paid_balance),
        recovered=Decimal(recovered),
        advance_filed_on=advance_filed_on,
        **identity,
    )


def transition(dossier: Dossier, name: str, at: datetime, from_state: str = "", to_state: str = "") -> None:
    Transition.objects.create(
        dossier=dossier, name=name, from_state=from_state or dossier.state, to_state=to_state or dossier.state,
        actor_label="test", at=at,
    )  # fmt: skip


def decided_after(dossier: Dossier, days: float, start: datetime | None = None, request: str = "advance"):
    """Filing then decision `days` later, in the transitions log."""
    start = start or datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    transition(dossier, f"file_{request}", start)
    transition(dossier, f"validate_{request}", start + timedelta(days=days))


def submitted_pilot(version, dossiers: list[Dossier], training_materials_sent: bool = True) -> Pilot:
    pilot = Pilot.objects.create(
        supplier=version.solution.publisher.organisation,
        solution_version=version,
        state=PilotState.SUBMITTED,
        training_materials_sent=training_materials_sent,
        findings=[],
    )
    PilotClient.objects.bulk_create(PilotClient(pilot=pilot, dossier=d, pv_signed=True) for d in dossiers)
    return pilot

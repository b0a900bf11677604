"""Payment batches: validated requests are grouped, sent, then confirmed (booked) or rejected (payable again), along
the batch's lifecycle (payments.workflow)."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from sons import clock, locks
from sons.audit.journal import record
from sons.directory.enums import AidSource
from sons.directory.models import DeMinimisAid
from sons.dossiers.enums import ClientKind
from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.dossiers.pieces import joined_to_pay
from sons.dossiers.workflow import perform
from sons.errors import Conflict
from sons.lifecycle import TransitionRefused
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from . import sepa
from .enums import PaymentKind, PaymentStatus
from .models import Payment, PaymentBatch
from .workflow import BATCH

PAYABLE = {S.ADVANCE_VALIDATED: PaymentKind.ADVANCE, S.BALANCE_VALIDATED: PaymentKind.BALANCE}
# A preparation takes well under a second; another one waits at most this long for it.
PREPARATION_WAIT_SECONDS = 10


class PreparationBusy(Conflict):
    """Another paying agent is preparing a batch: this one stops, cleanly (409), and may try again."""


def prepare_batch(principal: Principal, limit: int = 10_000, *, only=None) -> PaymentBatch | None:
    """Group the validated requests not yet in a live payment (of the dossiers `only` names, when given).

    Preparations take turns (an advisory lock, waited for PREPARATION_WAIT_SECONDS at most): each one then
    reads the payments its predecessor committed, so they take disjoint sets. The unique constraint on
    payments stays the last guard, and a conflict it raises is a refusal (409), not an error."""
    principal.require(Role.ASP_PAYING_AGENT)
    try:
        return _prepare(principal, limit, only)
    except locks.Busy:
        raise PreparationBusy(
            "Un autre lot est en cours de préparation : réessayez dans un instant (rien n'a été mis en lot)."
        ) from None
    except IntegrityError:
        raise PreparationBusy(
            "Ces demandes viennent d'être mises en lot par une autre préparation : rien n'a été mis en lot, "
            "réessayez pour préparer les demandes restantes."
        ) from None


def _prepare(principal: Principal, limit: int, only) -> PaymentBatch | None:
    with transaction.atomic():
        locks.wait_in_transaction("payment-batch", PREPARATION_WAIT_SECONDS)
        locking = Dossier.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        )
        due = Q(_unpaid_validated(), pk__in=only) if only is not None else _unpaid_validated()
        # validated, but a required piece is missing (validated before the pieces were required): kept out
        held_back = Dossier.objects.filter(due).exclude(joined_to_pay()).count()
        dossiers = list(locking.filter(due).filter(joined_to_pay()).order_by("pk")[:limit])
        if not dossiers:
            return None
        batch = PaymentBatch.objects.create(prepared_by=principal.label)
        payments = [
            Payment(dossier=d, kind=PAYABLE[d.state], batch=batch,
                    amount=d.advance_amount if d.state == S.ADVANCE_VALIDATED else d.balance_amount)
            for d in dossiers
        ]  # fmt: skip
        Payment.objects.bulk_create(payments)
        batch.total = sum((p.amount for p in payments), Decimal("0.00"))
        batch.save(update_fields=["total"])
        record("payment.batch_prepared", actor=principal.label, target=batch,
               payload={"payments": len(payments), "total": batch.total, "held_back": held_back})  # fmt: skip
    return batch


def send_batch(principal: Principal, batch: PaymentBatch, reason: str = "") -> PaymentBatch:
    """The SEPA file is written and its creditors frozen; refused (nothing saved) if an IBAN or BIC is invalid.
    `reason`: the agent's motive, kept in the batch's history."""

    def change(locked):
        locked.sent_at = timezone.now()
        try:
            sepa.freeze(locked)
        except sepa.SepaRefused as refused:
            raise TransitionRefused(refused.message, refused.field) from None

    return BATCH.perform(batch, "send", principal, reason, change=change,
                         audit_payload=lambda sent: {"total": sent.total, "sepa_sha256": sent.sepa_sha256})  # fmt: skip


def confirm_batch(principal: Principal, batch: PaymentBatch, reason: str = "") -> PaymentBatch:
    """The bank paid: each payment is booked once, the dossier moves to paid, the de minimis register grows.
    `reason`: the agent's motive (the bank's statement…), kept in the batch's history."""
    today = clock.today()

    def change(locked):
        locked.closed_at = timezone.now()
        for payment in locked.payments.select_related("dossier").order_by("pk"):
            book(principal, locked, payment, today)

    return BATCH.perform(
        batch, "confirm", principal, reason, change=change, audit_payload={"total": batch.total}
    )


def book(principal: Principal, batch: PaymentBatch, payment: Payment, today) -> None:
    dossier = payment.dossier
    field = "paid_advance" if payment.kind == PaymentKind.ADVANCE else "paid_balance"

    def pay(locked):
        setattr(locked, field, getattr(locked, field) + payment.amount)

    step = "pay_advance" if payment.kind == PaymentKind.ADVANCE else "pay_balance"
    perform(dossier, step, principal, f"Lot n° {batch.pk}", change=pay,
            audit_payload={"amount": payment.amount, "batch": batch.pk})  # fmt: skip
    payment.status = PaymentStatus.BOOKED
    payment.booked_on = today
    payment.save(update_fields=["status", "booked_on"])
    if dossier.client_kind == ClientKind.PROFESSIONAL:
        DeMinimisAid.objects.create(
            client_key=dossier.client_key, amount=payment.amount, granted_on=today,
            source=AidSource.PLATFORM, dossier=dossier, description=f"SONS SFP-LGC-Va2, lot n° {batch.pk}",
        )  # fmt: skip


def reject_batch(principal: Principal, batch: PaymentBatch, reason: str) -> PaymentBatch:
    def change(locked):
        locked.closed_at = timezone.now()
        locked.payments.update(status=PaymentStatus.REJECTED)

    return BATCH.perform(batch, "reject", principal, reason, change=change)


def nothing_to_pay() -> str:
    """What a preparation that found nothing to pay says: and how many validated requests wait for a piece."""
    held = held_back_for_pieces().count()
    if not held:
        return "Aucune demande validée à payer."
    return (f"Aucune demande validée à payer : {held} demande(s) validée(s) attendent une pièce obligatoire "
            "(AF §6.2, §6.4) avant d'être mises en lot.")  # fmt: skip


def held_back_for_pieces():
    """The validated requests no batch takes until their missing pieces are joined (sons.dossiers.pieces)."""
    return Dossier.objects.filter(_unpaid_validated()).exclude(joined_to_pay())


def _unpaid_validated() -> Q:
    """The validated requests not yet in a live payment (a rejected batch's payments are not live)."""
    live = Payment.objects.exclude(status=PaymentStatus.REJECTED)
    advance_due = Q(state=S.ADVANCE_VALIDATED) & ~Q(
        pk__in=live.filter(kind=PaymentKind.ADVANCE).values("dossier")
    )
    balance_due = Q(state=S.BALANCE_VALIDATED) & ~Q(
        pk__in=live.filter(kind=PaymentKind.BALANCE).values("dossier")
    )
    return advance_due | balance_due

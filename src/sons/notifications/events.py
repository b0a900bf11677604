"""Recording events, in the caller's transaction, with the job that tells them (sons.notifications.delivery).

    with transaction.atomic():
        dossier.save()
        record_event(EventKind.VALIDATED, organisation=dossier.supplier, dossier=dossier, payload={...})

The event row and its job row are INSERTs on the change's connection: committed with it, or rolled back with it
(a refused step, a failed bulk filing tell nobody anything). The job (sons.notifications.delivery.fan_out, ahead
of the queue's e-mails by its priority) runs the hooks other apps register (sons.notifications.hooks: the
webhook deliveries), makes the notifications and queues their e-mails in a job of their own. Lifecycle steps
record theirs through one hook, `on_step` (called by `sons.lifecycle.Lifecycle.record`), which maps
(lifecycle, step) to an event kind.

This package sits below the lifecycle in the layers (tests/test_layers.py): it imports no domain app and reads
the objects it is handed by their attributes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sons import clock
from sons.jobs import enqueue

from .enums import AUDIENCE, Audience, EventKind
from .models import Event

FAN_OUT_CHUNK = 500  # events per fan-out job (a bulk validation of 10 000 dossiers: 20 jobs)


def _id(value):
    return getattr(value, "pk", value)


def record_event(kind: str, *, organisation, dossier=None, payload: dict | None = None, audience: str = "",
                 at=None) -> Event:  # fmt: skip
    """Write one event (`organisation`: the supplier concerned, an instance or an id, None for the staff only)
    and enqueue its fan-out, both in the current transaction."""
    (event,) = record_events([(kind, organisation, dossier, payload or {})], audience=audience, at=at)
    return event


def record_events(rows: Iterable[tuple], *, audience: str = "", at=None) -> list[Event]:
    """Many events at once, [(kind, organisation, dossier, payload)]: one INSERT, one fan-out job per chunk."""
    at = at or timezone.now()
    events = [
        Event(kind=kind, organisation_id=_id(organisation), dossier_id=_id(dossier), payload=payload,
              occurred_at=at, audience=audience or AUDIENCE.get(kind, Audience.SUPPLIER))
        for kind, organisation, dossier, payload in rows
    ]  # fmt: skip
    if not events:
        return []
    from .delivery import fan_out

    # No savepoint: two round trips less on every step, and an error here must fail the caller's change anyway.
    with transaction.atomic(savepoint=False):
        Event.objects.bulk_create(events)
        if any(e.pk is None for e in events):  # pragma: no cover - a backend without RETURNING
            raise RuntimeError("bulk_create n'a pas rendu les identifiants des événements")
        ids = [e.pk for e in events]
        for start in range(0, len(ids), FAN_OUT_CHUNK):
            enqueue(fan_out, ids[start : start + FAN_OUT_CHUNK])
    return events


# --- The lifecycles' steps -----------------------------------------------------------------------------------


def completion_due_on(on: date | None = None) -> date:
    """The day a completion request is expected to be answered by (SONS_COMPLETION_ANSWER_DAYS after it)."""
    return (on or clock.today()) + timedelta(days=settings.SONS_COMPLETION_ANSWER_DAYS)


def _request(step: str) -> str:
    return "balance" if "balance" in step else "advance"


def _dossier(d, **more) -> dict:
    return {"dossier_id": d.pk, "state": d.state, "supplier_reference": d.supplier_reference, **more}


def _blocking(d) -> list[dict]:
    return [{"message": f.get("message", ""), "section": f.get("section", "")}
            for f in (d.findings or []) if f.get("severity") == "blocking"]  # fmt: skip


def _dossier_step(d, name, before, after, reason, extra) -> list[tuple]:
    one = lambda kind, **more: [(kind, d.supplier_id, d, _dossier(d, **more))]  # noqa: E731
    request = _request(name)
    if name in ("file_advance", "file_balance"):
        received = d.balance_filed_on if request == "balance" else d.advance_filed_on
        return one(EventKind.FILING_RECEIVED, request=request, received_on=received, decision=d.decision)
    if name.startswith("request_") and name.endswith("_completion"):
        return one(
            EventKind.COMPLETION_REQUESTED, request=request, message=reason, due_on=completion_due_on()
        )
    if name in ("complete_advance", "complete_balance"):
        return one(EventKind.ANSWER_RECEIVED, request=request, message=reason)
    if name in ("validate_advance", "validate_balance", "referencing_granted") and after != before:
        amount = d.balance_amount if request == "balance" else d.advance_amount
        return one(EventKind.VALIDATED, request=request, message=reason, financed=d.financed, amount=amount,
                   subject_to_referencing=after == "advance_subject_to_referencing")  # fmt: skip
    if name in ("reject_advance", "reject_balance", "referencing_refused"):
        return one(EventKind.REJECTED, request=request, reasons=reason, findings=_blocking(d))
    if name in ("pay_advance", "pay_balance"):
        batch = extra.get("batch")
        payment = d.payments.filter(batch_id=batch).select_related("batch").first() if batch else None
        sent = payment.batch.sent_at if payment is not None else None
        return one(EventKind.PAYMENT_SENT, request=request, amount=extra.get("amount"), batch=batch,
                   batch_sent_on=timezone.localdate(sent) if sent else None)  # fmt: skip
    recovery = {"open_recovery": EventKind.RECOVERY_OPENED, "send_formal_notice": EventKind.FORMAL_NOTICE,
                "order_repayment": EventKind.REPAYMENT_ORDER, "record_repayment": EventKind.REPAYMENT_RECEIVED}  # fmt: skip
    if (
        name == "declare_incapacity" and after == "in_recovery"
    ):  # the incapacity opens the recovery (§4.4, §7)
        return one(EventKind.RECOVERY_OPENED, reason=reason, recovered=d.recovered)
    if name in recovery:
        return one(recovery[name], reason=reason, recovered=d.recovered,
                   **{k: v for k, v in extra.items() if k in ("case", "amount", "on", "due")})  # fmt: skip
    return []


def _batch_step(batch, name, before, after, reason, extra) -> list[tuple]:
    if name != "reject" or before != "sent":
        return []
    return [
        (EventKind.PAYMENT_REJECTED, p.dossier.supplier_id, p.dossier,
         _dossier(p.dossier, amount=p.amount, request=p.kind, batch=batch.pk, reason=reason))
        for p in batch.payments.select_related("dossier").order_by("pk")
    ]  # fmt: skip


def _referencing_step(version, name, before, after, reason, extra) -> list[tuple]:
    kind = {"grant": EventKind.REFERENCING_GRANTED, "refuse": EventKind.REFERENCING_REFUSED,
            "withdraw": EventKind.REFERENCING_WITHDRAWN}.get(name)  # fmt: skip
    if kind is None:
        return []
    solution = version.solution
    organisations = [solution.publisher.organisation_id]
    organisations += list(solution.distributors.values_list("distributor_id", flat=True))
    payload = {"version_id": version.pk, "version": str(version), "on": extra.get("on"), "reason": reason}
    return [(kind, org, None, {**payload, "publisher": org == organisations[0]})
            for org in dict.fromkeys(organisations) if org is not None]  # fmt: skip


def _enrolment_step(enrolment, name, before, after, reason, extra) -> list[tuple]:
    payload = {"enrolment_id": enrolment.pk, "state": after, "message": reason}
    if name in ("validate", "reject"):
        return [
            (EventKind.ENROLMENT_DECIDED, enrolment.organisation_id, None, {**payload, "decision": after})
        ]
    if name == "request_completion":
        return [(EventKind.COMPLETION_REQUESTED, enrolment.organisation_id, None,
                 {**payload, "subject": "enrolment", "due_on": completion_due_on()})]  # fmt: skip
    return []


def _pilot_step(pilot, name, before, after, reason, extra) -> list[tuple]:
    if name != "validate":
        return []
    return [(EventKind.PILOT_VALIDATED, pilot.supplier_id, None,
             {"pilot_id": pilot.pk, "solution_version_id": pilot.solution_version_id, "message": reason})]  # fmt: skip


STEPS = {
    "dossier": _dossier_step,
    "batch": _batch_step,
    "referencing": _referencing_step,
    "enrolment": _enrolment_step,
    "pilot": _pilot_step,
}


def on_step(lifecycle: str, obj, name: str, before: str, after: str, reason: str = "", payload=None, at=None):
    """The events of a step just written (history row, audit entry), in its transaction."""
    builder = STEPS.get(lifecycle)
    rows = builder(obj, name, before, after, reason, payload or {}) if builder else []
    return record_events(rows, at=at) if rows else []

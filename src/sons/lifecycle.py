"""One idiom for every lifecycle (the dossier, the enrolment, the payment batch, the pilot, the referencing): a
transitions table of guarded steps, each with the states it leaves and reaches and the roles that may take it;
taking a step locks the object, checks its state, the role and the reason, applies the step's change, and writes
a history row and an audit entry in the same transaction.

    LIFECYCLE = Lifecycle("enrolment", "l'enrôlement", Enrolment, EnrolmentTransition, EnrolmentState, [
        Step("validate", "Valider l'enrôlement", (E.FILED,), (E.VALIDATED,), (Role.ASP_INSTRUCTOR,)),
        …
    ])
    LIFECYCLE.perform(enrolment, "validate", principal, change=check_with_the_rules)

A new step is one line in its table (and, when it changes more than the state, a `change` function that the
caller passes: it may refuse, set fields, or pick the target among the step's `targets`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from sons import clock
from sons.audit.journal import record
from sons.errors import Conflict, Invalid
from sons.notifications.events import on_step


class TransitionRefused(Conflict):
    """A step that the object's state, its reason or a business check does not allow (HTTP 409)."""


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # French, as the history and the buttons show it
    sources: tuple[str, ...]
    targets: tuple[
        str, ...
    ]  # several when the step's change picks one (the §6.2 exception, a partial repayment)
    roles: tuple[str, ...]
    needs_reason: bool = False


class StepRecord(models.Model):
    """One step taken: the history row of a lifecycle (each lifecycle's model adds the foreign key to its object)."""

    name = models.CharField("transition", max_length=50)
    from_state = models.CharField("de", max_length=40)
    to_state = models.CharField("vers", max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField("auteur", max_length=200)
    at = models.DateTimeField("le")
    reason = models.TextField("motif", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


def history_of(model, states, verbose_name: str, *, name: str = "", subject: str = "") -> type[StepRecord]:
    """The history model of `model`'s lifecycle (`<Model>Transition`, reached as `obj.transitions`), declared in
    the calling models module: `EnrolmentTransition = history_of(Enrolment, EnrolmentState, "étape…")`."""
    attrs = {
        "__module__": model.__module__,
        subject or model._meta.model_name: models.ForeignKey(
            model, on_delete=models.PROTECT, related_name="transitions"
        ),
        "from_state": models.CharField("de", max_length=40, choices=states.choices),
        "to_state": models.CharField("vers", max_length=40, choices=states.choices),
        "Meta": type("Meta", (StepRecord.Meta,), {"verbose_name": verbose_name}),
    }
    return type(name or f"{model.__name__}Transition", (StepRecord,), attrs)


class Lifecycle:
    """The transitions table of `model` (its state in `field`, labelled by `states`), its history rows in
    `history` (whose foreign key to the object is `subject`), its audit entries named `<kind>.transition`."""

    def __init__(self, kind: str, noun: str, model, history, states, steps: list[Step], *, subject: str = "",
                 field: str = "state", announce: Callable | None = None):  # fmt: skip
        """`noun` names the object in messages (« le dossier »), `subject` the history's foreign key (`kind`);
        `announce(obj, row)` runs after each step is written, in its transaction (a signal for notifications)."""
        self.kind, self.noun, self.model, self.history, self.states = kind, noun, model, history, states
        self.subject, self.field, self.announce = subject or kind, field, announce
        self.steps = {step.name: step for step in steps}

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def label(self, state: str) -> str:
        return self.states(state).label if state in self.states.values else state

    def allowed(self, obj, principal) -> list[Step]:
        """The steps `principal` may take on `obj` in its present state (what the pages offer)."""
        state = getattr(obj, self.field)
        return [step for step in self.steps.values() if state in step.sources and principal.may(*step.roles)]

    def perform(
        self,
        obj,
        name: str,
        principal,
        reason: str = "",
        *,
        change: Callable[[object], str | None] | None = None,
        audit_payload: dict | Callable[[object], dict] | None = None,
    ):
        """Take the step `name` on `obj` (locked again), after `change` (which may pick the target state among
        the step's targets, or refuse); returns the object as saved. `audit_payload` adds to the audit entry (a
        function of the object as changed, when the change computes it)."""
        step = self.steps[name]
        principal.require(*step.roles)
        if step.needs_reason and not reason.strip():
            raise Invalid("Un motif (message) est obligatoire pour cette action.", "reason")
        with transaction.atomic():
            locked = self.model.objects.select_for_update().get(pk=obj.pk)
            before = getattr(locked, self.field)
            if before not in step.sources:
                raise TransitionRefused(
                    f"Action « {step.label} » impossible : {self.noun} est à l'état « {self.label(before)} »."
                )
            target = (change(locked) if change else None) or step.targets[0]
            if target not in step.targets:  # pragma: no cover - a defect in a change function
                raise TransitionRefused(f"État cible inattendu : {target}")
            setattr(locked, self.field, target)
            locked.save()
            extra = audit_payload(locked) if callable(audit_payload) else audit_payload or {}
            self.record(locked, name, before, target, principal, reason, payload=extra)
        return locked

    def record(self, obj, name: str, before: str, after: str, principal, reason: str = "", *, payload=None,
               **history) -> StepRecord:  # fmt: skip
        """The history row and the audit entry of a step taken on `obj` (by `perform`, or by an event of the
        object's that leaves its state as it is); `history` fills the history model's own fields."""
        now = timezone.now()  # the audit records when it happened; the history, the day the step is taken for
        row = self.history.objects.create(
            **{self.subject: obj}, name=name, from_state=before, to_state=after, actor=principal.user,
            actor_label=principal.label, at=clock.now(), reason=reason, **history,
        )  # fmt: skip
        record(
            f"{self.kind}.transition", actor=principal.label, target=obj, at=now,
            payload={"step": name, "from": before, "to": after, "reason": reason, **(payload or {})},
        )  # fmt: skip
        on_step(self.kind, obj, name, before, after, reason, payload, at=now)  # events and notifications
        if self.announce is not None:
            self.announce(obj, row)
        return row

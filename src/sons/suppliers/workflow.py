"""The enrolment's lifecycle (§6.1), as every lifecycle is declared (sons.lifecycle): filed (from nothing, or
again after a rejection) → to complete ⇄ filed → validated | rejected. Its history rows are the events the
notifications read (`EnrolmentTransition`, signal `enrolment_step`)."""

from django.dispatch import Signal

from sons.lifecycle import Lifecycle, Step

from .enums import EnrolmentState as E
from .enums import Role
from .models import Enrolment, EnrolmentTransition

SUPPLIER, INSTRUCTOR = (Role.SUPPLIER_MEMBER,), (Role.ASP_INSTRUCTOR,)
# Sent inside the transaction of each step, with the history row: the hook for notifications.
enrolment_step = Signal()  # sender=Enrolment, transition=EnrolmentTransition


def announce(enrolment: Enrolment, row: EnrolmentTransition) -> None:
    enrolment_step.send(sender=Enrolment, transition=row)


ENROLMENT = Lifecycle("enrolment", "l'enrôlement", Enrolment, EnrolmentTransition, E, [
    Step("file", "Déposer la demande d'enrôlement", ("", E.REJECTED), (E.FILED,), SUPPLIER),
    Step("request_completion", "Demander un complément", (E.FILED,), (E.TO_COMPLETE,), INSTRUCTOR,
         needs_reason=True),
    Step("complete", "Compléter la demande d'enrôlement", (E.TO_COMPLETE,), (E.FILED,), SUPPLIER),
    Step("validate", "Valider l'enrôlement", (E.FILED,), (E.VALIDATED,), INSTRUCTOR),
    Step("reject", "Rejeter la demande d'enrôlement", (E.FILED,), (E.REJECTED,), INSTRUCTOR, needs_reason=True),
], announce=announce)  # fmt: skip

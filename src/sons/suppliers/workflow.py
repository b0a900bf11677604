"""The enrolment's lifecycle (§6.1): filed → to complete ⇄ filed → validated | rejected (sons.lifecycle)."""

from sons.lifecycle import Lifecycle, Step

from .enums import EnrolmentState as E
from .enums import Role
from .models import Enrolment, EnrolmentTransition

INSTRUCTOR, SUPPLIER = (Role.ASP_INSTRUCTOR,), (Role.SUPPLIER_MEMBER,)

ENROLMENT = Lifecycle("enrolment", "l'enrôlement", Enrolment, EnrolmentTransition, E, [
    Step("request_completion", "Demander un complément", (E.FILED,), (E.TO_COMPLETE,), INSTRUCTOR),
    Step("complete", "Compléter l'enrôlement", (E.TO_COMPLETE,), (E.FILED,), SUPPLIER),
    Step("validate", "Valider l'enrôlement", (E.FILED,), (E.VALIDATED,), INSTRUCTOR),
    Step("reject", "Rejeter l'enrôlement", (E.FILED,), (E.REJECTED,), INSTRUCTOR),
])  # fmt: skip

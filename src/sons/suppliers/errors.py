"""What the joining and enrolment services refuse, in French, naming the field at fault.

Both doors turn a refusal into their answer: the API into JSON (`status`, `{"message", "field"}`), the
portal into an error attached to the form's field (or to the form when `field` is empty)."""

from __future__ import annotations


class Refused(Exception):
    status = 422

    def __init__(self, message: str, field: str = "", *, status: int | None = None):
        super().__init__(message)
        self.message, self.field = message, field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"message": self.message, **({"field": self.field} if self.field else {})}


class NotAllowed(Refused):
    """The acting account's roles do not allow this (HTTP 403)."""

    status = 403


class Conflict(Refused):
    """The state of things forbids it now: a SIRET already signed up, the last administrator leaving…"""

    status = 409

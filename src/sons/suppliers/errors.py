"""What the joining and enrolment services refuse: the domain's refusals (`sons.errors`), under the names this
package uses. Both doors turn them into their answer: the API into JSON (`status`, `{"message", "field"}`), the
portal into an error attached to the form's field (or to the form when `field` is empty)."""

from sons.errors import Conflict, Forbidden, Invalid, NotFound, Refused

NotAllowed = Forbidden  # the acting account's roles do not allow this (HTTP 403)

__all__ = ["Conflict", "Invalid", "NotAllowed", "NotFound", "Refused"]

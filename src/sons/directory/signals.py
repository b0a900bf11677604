"""What the directory tells the apps built on it, without importing them.

`clients_changed` is sent by an import with `--apply`, inside its transaction and before the new directory
replaces the live one, with `professionals` ({rpps: [message, …]}) and `centres` ({finess_geo: [message, …]}): the
clients that left the directory, liberal practice or their Ordre, each message in French and dated; and `on`, the
import's date. A receiver returns how many of its objects it flagged (sons.dossiers.alerts: the open dossiers).
"""

from django.dispatch import Signal

clients_changed = Signal()


def announce(*, professionals: dict[str, list[str]] | None = None, centres: dict[str, list[str]] | None = None,
             on) -> int:  # fmt: skip
    """Send `clients_changed`; how many objects the receivers flagged."""
    if not professionals and not centres:
        return 0
    answers = clients_changed.send(
        sender=None, professionals=professionals or {}, centres=centres or {}, on=on
    )
    return sum(flagged or 0 for _, flagged in answers)

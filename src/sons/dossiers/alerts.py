"""Open dossiers whose client left the directory, liberal practice or the Ordre get a warning (§4.2), kept
apart from the rules' findings: the directory's imports announce the changes (sons.directory.signals)."""

from __future__ import annotations

from datetime import date

from .enums import ClientKind
from .enums import DossierState as S
from .models import Dossier

CLOSED = (S.ADVANCE_REJECTED, S.CANCELLED, S.BALANCE_PAID, S.RECOVERED, S.RECOVERY_CANCELLED)


def alert(dossier: Dossier, message: str, on: date) -> None:
    warning = {"rule": "directory_change", "section": "4.2", "severity": "warning", "on": on.isoformat(),
               "message": message}  # fmt: skip
    dossier.directory_alerts = [*dossier.directory_alerts, warning]


def flag_open_dossiers(sender, *, professionals: dict, centres: dict, on: date, **kwargs) -> int:
    """Receiver of `clients_changed`: each open dossier of a changed client gets its messages; how many."""
    touched = []
    for kind, field, changes in ((ClientKind.PROFESSIONAL, "rpps", professionals),
                                 (ClientKind.CENTRE, "finess_geo", centres)):  # fmt: skip
        if not changes:
            continue
        dossiers = Dossier.objects.exclude(state__in=CLOSED).filter(
            client_kind=kind, **{f"{field}__in": list(changes)}
        )
        for dossier in dossiers.iterator(chunk_size=2000):
            for message in changes[getattr(dossier, field)]:
                alert(dossier, message, on)
            touched.append(dossier)
    Dossier.objects.bulk_update(touched, ["directory_alerts"], batch_size=1000)
    return len(touched)

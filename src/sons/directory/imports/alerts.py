"""Open dossiers whose client left libéral practice, the Ordre or the Base de référence get a warning."""

from __future__ import annotations

from datetime import date

from django.db import connection

from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier

from ..models import Professional

CLOSED = (S.ADVANCE_REJECTED, S.CANCELLED, S.BALANCE_PAID, S.RECOVERED, S.RECOVERY_CANCELLED)


def _alert(dossier: Dossier, message: str, on: date) -> None:
    dossier.directory_alerts = [
        *dossier.directory_alerts,
        {
            "rule": "directory_change",
            "section": "4.2",
            "severity": "warning",
            "on": on.isoformat(),
            "message": message,
        },
    ]


def alert_professionals(new_table: str, on: date) -> int:
    """Compare the live directory with `new_table` for the clients of open dossiers (before the swap)."""
    live = connection.ops.quote_name(Professional._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.rpps, n.rpps IS NULL, o.practice = 'liberal' AND COALESCE(n.practice, '') <> 'liberal', "
            f"o.registered_with_order AND NOT COALESCE(n.registered_with_order, FALSE) "
            f"FROM {live} o LEFT JOIN {new_table} n ON n.rpps = o.rpps "
            f"WHERE n.rpps IS NULL OR n.practice <> o.practice OR n.registered_with_order <> o.registered_with_order"
        )
        changes = {
            rpps: (gone, left_liberal, left_ordre)
            for rpps, gone, left_liberal, left_ordre in cursor.fetchall()
        }
    if not changes:
        return 0
    touched = []
    dossiers = Dossier.objects.exclude(state__in=CLOSED).filter(
        client_kind="professional", rpps__in=list(changes)
    )
    for dossier in dossiers.iterator(chunk_size=2000):
        gone, left_liberal, left_ordre = changes[dossier.rpps]
        day = f"{on:%d/%m/%Y}"
        if gone:
            _alert(
                dossier,
                f"Annuaire RPPS du {day} : le Client n'y figure plus (ou plus dans une profession éligible).",
                on,
            )
        if left_liberal and not gone:
            _alert(dossier, f"Annuaire RPPS du {day} : le Client n'exerce plus en cabinet libéral.", on)
        if left_ordre and not gone:
            _alert(
                dossier, f"Annuaire RPPS du {day} : le Client n'est plus inscrit au tableau de son Ordre.", on
            )
        touched.append(dossier)
    Dossier.objects.bulk_update(touched, ["directory_alerts"], batch_size=1000)
    return len(touched)


def alert_centres(gone_or_out: set[str], on: date) -> int:
    touched = []
    dossiers = Dossier.objects.exclude(state__in=CLOSED).filter(
        client_kind="centre", finess_geo__in=list(gone_or_out)
    )
    for dossier in dossiers:
        _alert(dossier, f"Base de référence du {on:%d/%m/%Y} : le centre n'y figure plus.", on)
        touched.append(dossier)
    Dossier.objects.bulk_update(touched, ["directory_alerts"], batch_size=1000)
    return len(touched)

"""What an import changes for the clients already there: who left the directory, liberal practice or the Ordre
(AF §4.2), in French, announced to the apps built on the directory (sons.directory.signals)."""

from __future__ import annotations

from datetime import date

from django.db import connection

from ..models import Professional
from ..signals import announce


def professional_changes(new_table: str, on: date) -> dict[str, list[str]]:
    """Compare the live directory with `new_table` (before the swap): {rpps: [message, …]}."""
    live = connection.ops.quote_name(Professional._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.rpps, n.rpps IS NULL, o.practice = 'liberal' AND COALESCE(n.practice, '') <> 'liberal', "
            f"o.registered_with_order AND NOT COALESCE(n.registered_with_order, FALSE) "
            f"FROM {live} o LEFT JOIN {new_table} n ON n.rpps = o.rpps "
            f"WHERE n.rpps IS NULL OR n.practice <> o.practice OR n.registered_with_order <> o.registered_with_order"
        )
        rows = cursor.fetchall()
    day = f"{on:%d/%m/%Y}"
    changes = {}
    for rpps, gone, left_liberal, left_ordre in rows:
        if gone:
            messages = [
                f"Annuaire RPPS du {day} : le Client n'y figure plus (ou plus dans une profession éligible)."
            ]
        else:
            messages = (
                [f"Annuaire RPPS du {day} : le Client n'exerce plus en cabinet libéral."]
                if left_liberal
                else []
            )
            if left_ordre:
                messages.append(
                    f"Annuaire RPPS du {day} : le Client n'est plus inscrit au tableau de son Ordre."
                )
        changes[rpps] = messages
    return changes


def announce_professionals(new_table: str, on: date) -> int:
    return announce(professionals=professional_changes(new_table, on), on=on)


def announce_centres(gone_or_out: set[str], on: date) -> int:
    message = f"Base de référence du {on:%d/%m/%Y} : le centre n'y figure plus."
    return announce(centres={finess: [message] for finess in gone_or_out}, on=on)

"""`sons dashboards`: compute the dashboards' figures for every process (a timer runs it every 5 minutes)."""

import time

from django.core.management.base import BaseCommand

from sons import locks
from sons.dossiers.figures import refresh


class Command(BaseCommand):
    help = "Recalcule les chiffres des tableaux de bord (partagés par tous les processus)."

    def handle(self, *args, **options):
        start = time.perf_counter()
        try:
            with locks.run_alone("dashboards"):
                data = refresh()
        except locks.Busy:
            self.stdout.write(
                "sons dashboards : une autre exécution est en cours ; celle-ci s'arrête sans rien faire."
            )
            return
        total = sum(row["n"] for row in data["states"])
        self.stdout.write(
            f"Tableaux de bord recalculés : {total} dossiers, en {time.perf_counter() - start:.2f} s."
        )

"""`sons deadlines [--today D]`: run daily. Opens the recovery cases that are due (§7: neither balance
request nor attestation at Date 5) and lists the dossiers whose next deadline is near. Idempotent."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sons import clock, locks
from sons.dossiers.deadlines import RELEVANT, deadlines_of
from sons.dossiers.models import Dossier
from sons.recoveries.actions import open_due_at_date_5
from sons.rules.codes import DEADLINES


class Command(BaseCommand):
    help = "Ouvre les recouvrements échus et liste les dossiers dont l'échéance approche."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="date du jour (AAAA-MM-JJ), par défaut aujourd'hui")
        parser.add_argument("--horizon", type=int, default=30, help="jours avant l'échéance (défaut 30)")

    def handle(self, *args, today=None, horizon=30, **options):
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today : date attendue au format AAAA-MM-JJ, reçu « {today} »"
                ) from None
        else:
            day = clock.today()
        try:
            with locks.run_alone("deadlines"):
                self.open_and_list(day, horizon)
        except locks.Busy:
            # Another run (the timer's, an operator's) does the work: not an error.
            self.stdout.write(
                "sons deadlines : une autre exécution est en cours ; celle-ci s'arrête sans rien faire."
            )

    def open_and_list(self, day: date, horizon: int) -> None:
        with clock.as_of(day):
            cases = open_due_at_date_5(day)
            self.stdout.write(f"{len(cases)} recouvrement(s) ouvert(s) le {day:%d/%m/%Y}.")
            at_risk = 0
            for dossier in Dossier.objects.filter(state__in=RELEVANT).select_related(
                "solution_version", "supplier"
            ):
                upcoming = deadlines_of(dossier).get("next")
                if upcoming is None:
                    continue
                left = (upcoming["date"] - day).days
                if 0 <= left <= horizon:
                    at_risk += 1
                    self.stdout.write(
                        f"  dossier n° {dossier.pk} ({dossier.supplier.name}, {dossier.client_key}) : "
                        f"{DEADLINES.label(upcoming['name'])} le {upcoming['date']:%d/%m/%Y}, dans {left} jour(s)"
                    )
            self.stdout.write(f"{at_risk} dossier(s) à échéance dans les {horizon} jours.")

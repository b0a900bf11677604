"""`sons scheduler`: enqueue the periodic jobs when they are due (sons.jobs.schedule), until SIGTERM/SIGINT."""

from django.core.management.base import BaseCommand

from sons.jobs.schedule import SCHEDULE, run_scheduler, tick


class Command(BaseCommand):
    help = "Met en file les travaux périodiques à leur heure."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="un seul tour, puis s'arrêter")
        parser.add_argument("--list", action="store_true", help="afficher le calendrier et s'arrêter")

    def handle(self, *args, once, list, **options):
        if list:
            for entry in SCHEDULE:
                when = (
                    f"toutes les {int(entry.every.total_seconds() // 60)} min"
                    if entry.every
                    else f"chaque jour à {entry.at:%H:%M}"
                )
                self.stdout.write(f"{entry.name:<12} {when:<22} {entry.label}")
            return
        if once:
            names = tick()
            self.stdout.write(f"Mis en file : {', '.join(names) or 'aucun'}.")
            return
        run_scheduler()

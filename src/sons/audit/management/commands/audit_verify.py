from django.core.management.base import BaseCommand, CommandError

from sons.audit.verification import verify_journal


class Command(BaseCommand):
    help = "Vérifie le chaînage du journal d'audit : toute entrée altérée, supprimée ou insérée est signalée."

    def handle(self, *args, **options):
        report = verify_journal()
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            count = len(report.problems)
            plural = "s" if count > 1 else ""
            # Its return code becomes the exit status when the command runs from the command line.
            raise CommandError(
                f"Journal d'audit compromis : {count} problème{plural} détecté{plural}.", returncode=1
            )
        plural = "s" if report.checked > 1 else ""
        self.stdout.write(f"Journal d'audit intègre : {report.checked} entrée{plural} vérifiée{plural}.")

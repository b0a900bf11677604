from django.core.management.base import BaseCommand, CommandError

from sons.audit.verification import verify_journal


class Command(BaseCommand):
    help = (
        "Vérifie le chaînage du journal d'audit et ses points de contrôle signés : toute entrée altérée, "
        "supprimée ou insérée, une chaîne recalculée, tronquée ou une tête reculée est signalée."
    )

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
        signed = (
            f" ; {report.checkpoints} point{'s' if report.checkpoints > 1 else ''} de contrôle signé"
            f"{'s' if report.checkpoints > 1 else ''} concorde{'nt' if report.checkpoints > 1 else ''}"
            if report.checkpoints
            else " ; aucun point de contrôle signé (sons audit checkpoint) : seul le chaînage est vérifié"
        )
        self.stdout.write(
            f"Journal d'audit intègre : {report.checked} entrée{plural} vérifiée{plural}{signed}."
        )

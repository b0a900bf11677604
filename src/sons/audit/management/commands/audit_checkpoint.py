"""`sons audit checkpoint` (daily): signs the journal's head into SONS_AUDIT_CHECKPOINT_DIR, once the journal
has verified; exit 1 without signing anything if it does not."""

from django.core.management.base import BaseCommand, CommandError

from sons import locks
from sons.audit.checkpoints import CheckpointRefused
from sons.audit.signing import write


class Command(BaseCommand):
    help = "Signe la tête du journal d'audit dans un point de contrôle hors de la base (quotidien)."

    def handle(self, *args, **options):
        try:
            with locks.run_alone("audit-checkpoint"):
                checkpoint = write()
        except locks.Busy:
            self.stdout.write(
                "sons audit checkpoint : une autre exécution est en cours ; celle-ci s'arrête sans rien faire."
            )
            return
        except CheckpointRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError(str(refused), returncode=1) from None
        self.stdout.write(
            f"Point de contrôle signé : entrée n° {checkpoint.seq} au {checkpoint.day:%d/%m/%Y}, {checkpoint.path}."
        )

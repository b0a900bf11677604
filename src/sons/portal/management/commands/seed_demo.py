from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Charge les données de démonstration et indique comment les utiliser."

    def handle(self, *args, **options):
        # The workflow's models (dossiers, suppliers, accounts) come with the next issues; until then the
        # demonstration data are the simulator's sample dossiers.
        examples = sorted(settings.SONS_EXAMPLES_DIR.glob("*.json"))
        self.stdout.write(f"{len(examples)} dossiers d'exemple disponibles dans le simulateur :")
        for path in examples:
            self.stdout.write(f"  http://127.0.0.1:8000/simulateur/?exemple={path.stem}")

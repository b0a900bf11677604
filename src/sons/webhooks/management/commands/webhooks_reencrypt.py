from django.core.management.base import BaseCommand

from sons.webhooks.services import reencrypt_secrets


class Command(BaseCommand):
    help = (
        "Chiffre de nouveau les secrets des webhooks sous la première clé de SONS_WEBHOOK_SECRET_KEYS (après l'ajout "
        "d'une clé en tête, avant le retrait de l'ancienne). Sans risque à relancer."
    )

    def handle(self, *args, **options):
        count = reencrypt_secrets()
        plural = "s" if count > 1 else ""
        self.stdout.write(
            f"Secrets des webhooks chiffrés sous la première clé : {count} abonnement{plural}. "
            "Les autres clés de SONS_WEBHOOK_SECRET_KEYS peuvent être retirées."
        )

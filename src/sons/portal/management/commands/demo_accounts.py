"""`sons demo accounts`: the demonstration's accounts again, with their second factor (key, current code,
recovery codes left)."""

from django.core.management.base import BaseCommand

from sons.accounts import demo


class Command(BaseCommand):
    help = "Réimprime les comptes de démonstration (identifiants, second facteur, codes de secours)."

    def handle(self, *args, **options):
        users = list(demo.demo_users())
        if not users:
            self.stdout.write("Données de démonstration absentes (« make run » les charge).")
            return
        self.stdout.write(f"Comptes de démonstration (mot de passe « {demo.PASSWORD} ») :")
        for user in users:
            for line in demo.describe(user):
                self.stdout.write(line)

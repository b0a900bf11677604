"""`sons import rpps|centres|de-minimis FILE [--apply]`: dry run by default, atomic, a report; exit 2 on a refused
file."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sons import clock
from sons.directory.imports.centres import import_centres
from sons.directory.imports.de_minimis import import_de_minimis
from sons.directory.imports.reading import RefusedFile
from sons.directory.imports.rpps import import_rpps
from sons.directory.imports.swap import ImportBusy, SwapAbandoned


class Command(BaseCommand):
    help = (
        "Charge l'extrait RPPS, la Base de référence des centres ou les aides des autres dispositifs SONS "
        "(registre de minimis) ; essai à blanc sans --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["rpps", "centres", "de-minimis"])
        parser.add_argument("file")
        parser.add_argument(
            "--apply", action="store_true", help="remplacer les données en place (sinon : essai)"
        )
        parser.add_argument("--on", help="date du chargement (AAAA-MM-JJ), par défaut aujourd'hui")

    def handle(self, *args, kind, file, apply, on=None, **options):
        try:
            day = date.fromisoformat(on) if on else clock.today()
        except ValueError:
            raise CommandError(f"--on : date attendue au format AAAA-MM-JJ, reçu « {on} »") from None
        try:
            if kind == "de-minimis":
                report = import_de_minimis(file, apply=apply)
            else:
                report = (import_rpps if kind == "rpps" else import_centres)(file, apply=apply, on=day)
        except FileNotFoundError:
            raise CommandError(f"fichier introuvable : {file}") from None
        except ImportBusy as busy:
            self.stdout.write(f"sons import {kind} : {busy}")  # another run does the work: not an error
            return
        except SwapAbandoned as abandoned:
            raise CommandError(str(abandoned)) from None
        except RefusedFile as error:
            details = error.details
            raise CommandError("Fichier refusé, données précédentes conservées. " + str(error) + "".join(
                f"\n  {line}" for line in details)) from None  # fmt: skip
        for line in report.lines():
            self.stdout.write(line)
        if apply and kind == "de-minimis":
            self.stdout.write(
                "Registre remplacé : les aides des autres dispositifs SONS comptent dès maintenant."
            )
        elif apply:
            self.stdout.write(f"Données remplacées. Dossiers ouverts signalés : {report.alerts}.")
        else:
            self.stdout.write("Essai à blanc : rien n'a été modifié (ajoutez --apply pour charger).")

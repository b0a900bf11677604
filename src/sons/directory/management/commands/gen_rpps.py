from pathlib import Path

from django.core.management.base import BaseCommand

from sons.directory.imports.rpps_generator import write


class Command(BaseCommand):
    help = "Écrit un extrait RPPS synthétique au format réel."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("out")

    def handle(self, *args, rows, seed, out, **options):
        count = write(Path(out), rows, seed)
        self.stdout.write(f"{count} lignes écrites dans {out}.")

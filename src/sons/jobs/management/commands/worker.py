"""`sons worker`: take jobs from the queue and run them, until SIGTERM/SIGINT (the current job finishes)."""

from django.core.management.base import BaseCommand

from sons.jobs.worker import make_worker


class Command(BaseCommand):
    help = "Exécute les travaux en file (plusieurs travailleurs peuvent tourner ensemble)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues", default="*", help="files à servir, séparées par des virgules (défaut : toutes)"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="attente entre deux recherches à vide (s)"
        )
        parser.add_argument("--batch", action="store_true", help="exécuter les travaux prêts puis s'arrêter")
        parser.add_argument("--max-tasks", type=int, default=None, help="s'arrêter après N travaux")

    def handle(self, *args, queues, interval, batch, max_tasks, **options):
        worker = make_worker(queues=queues, interval=interval, batch=batch, max_tasks=max_tasks)
        worker.configure_signals()
        worker.run()

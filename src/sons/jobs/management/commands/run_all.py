"""`manage.py run_all`: the web server, one worker and the scheduler together (`make run`); Ctrl-C stops all.

Each runs in a process of its own, started with this process's settings; if one stops, the others are stopped
too and the exit code says which failed.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serveur web, travailleur et planificateur ensemble (développement) ; Ctrl-C arrête tout."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="serveur web sans rechargement automatique"
        )

    def handle(self, *args, address, noreload, **options):
        manage = [sys.executable, "-m", "django"]
        web = [*manage, "runserver", address, *(["--noreload"] if noreload else [])]
        commands = {"web": web, "worker": [*manage, "worker"], "scheduler": [*manage, "scheduler"]}
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        children = {name: subprocess.Popen(command, env=env) for name, command in commands.items()}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        while not stopping and failed is None:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = name
            time.sleep(0.2)
        # Ctrl-C in a terminal reaches every child already: give them a moment before asking again.
        grace = time.monotonic() + 3
        while time.monotonic() < grace and any(child.poll() is None for child in children.values()):
            time.sleep(0.1)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if failed and not stopping:
            self.stderr.write(
                f"« {failed} » s'est arrêté (code {children[failed].returncode}) : tout est arrêté."
            )
            sys.exit(1)

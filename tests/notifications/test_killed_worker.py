"""A worker killed in the middle of an e-mail only delays it (PostgreSQL, real worker processes): the SMTP server
holds the first delivery, the worker is killed (SIGKILL), another worker takes the job back once the first one's
heartbeat is stale and the e-mail arrives, with the event's id; never lost."""

import asyncio
import email
import os
import signal
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

from sons.dossiers import actions
from sons.notifications.enums import EventKind
from sons.notifications.models import Event, Notification
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, staff
from tests.jobs.harness import ON_POSTGRES, QueueWorld
from tests.notifications.test_delivery import person
from tests.smtp import READY_TIMEOUT, free_port

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="processus réels sur la base partagée : PostgreSQL")


class HoldFirst:
    """Receives every message, but keeps the first one waiting (its sender is killed meanwhile)."""

    def __init__(self):
        self.entered, self.messages, self.first = threading.Event(), [], True

    async def handle_DATA(self, server, session, envelope):
        if self.first:
            self.first = False
            self.entered.set()
            await asyncio.sleep(30)
            return "451 trop tard"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def queue(tmp_path, transactional_db):
    from django.db import connection

    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    world = QueueWorld(url, tmp_path)
    yield world
    world.stop_all()


def test_a_worker_killed_mid_email_only_delays_it(today, queue):
    today("2026-09-01")
    handler, port = HoldFirst(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=READY_TIMEOUT)
    controller.start()
    os.environ["SONS_TEST_EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        dossier = DossierFactory(advance_filed=True)
        person("claire", organisation=dossier.supplier)
        Event.objects.all().delete()  # the filing's own: only the request is followed
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
        actions.request_completion(staff(Role.ASP_INSTRUCTOR, "instructrice")[0], dossier, "Complément.")
        event = Event.objects.get(kind=EventKind.COMPLETION_REQUESTED)
        first = queue.worker("first")
        assert handler.entered.wait(60), "le premier travailleur n'a jamais atteint le serveur"
        os.killpg(first.pid, signal.SIGKILL)  # killed in the middle of the e-mail
        first.wait()
        assert not Notification.objects.filter(event=event, emailed_at__isnull=False).exists()
        queue.worker("second")
        queue.wait_for(lambda: handler.messages, 60, "courriel livré par le second travailleur")
        (message,) = handler.messages
        assert message["X-SONS-Event"] == event.public_id
        queue.wait_for(lambda: Notification.objects.filter(event=event, emailed_at__isnull=False).exists(), 30,
                       "notification marquée envoyée")  # fmt: skip
    finally:
        os.environ.pop("SONS_TEST_EMAIL_URL", None)
        controller.stop()

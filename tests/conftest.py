from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tests.worlds import make_world


@pytest.fixture(autouse=True)
def _documents_outside_the_repository(settings, tmp_path):
    settings.SONS_DOCUMENTS_DIR = str(tmp_path / "documents")
    settings.SONS_AUDIT_CHECKPOINT_DIR = str(tmp_path / "audit-checkpoints")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.SONS_DOCUMENTS_DIR},
        },
    }


PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def today(time_machine):
    """Move the clock (time-machine) to a day, at noon in Paris, time running on: `today("2026-09-01")`."""

    def move(day: str) -> date:
        time_machine.move_to(datetime.combine(date.fromisoformat(day), time(12), tzinfo=PARIS))
        return date.fromisoformat(day)

    return move


@pytest.fixture
def world(today, db):
    """The API's small world (tests/worlds.py), on 1 September 2026."""
    today("2026-09-01")
    return make_world()


@pytest.fixture
def smtp_inbox(settings):
    """Django sends its e-mails to a real SMTP server on 127.0.0.1 (aiosmtpd); the test reads what arrived."""
    from tests.smtp import start

    controller, inbox = start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()

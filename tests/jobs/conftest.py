import pytest

from .harness import ON_POSTGRES, QueueWorld, migrated_sqlite, sqlite_copy


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return migrated_sqlite(tmp_path_factory.mktemp("queue-template"))


@pytest.fixture
def world(request, tmp_path, transactional_db):
    """Processes sharing one database: the PostgreSQL test database (rows flushed after the test), or a
    migrated SQLite file of the test's own."""
    if ON_POSTGRES:
        from django.db import connection

        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    else:
        url = sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path / "queue.sqlite3")
    queue = QueueWorld(url, tmp_path)
    yield queue
    queue.stop_all()

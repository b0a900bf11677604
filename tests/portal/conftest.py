import pytest

from tests.portal.world import make_spaces


@pytest.fixture
def spaces(db, settings):
    """Supplier, other supplier, instructor and paying agent accounts (see world.py)."""
    settings.SONS_TODAY = "2026-09-01"
    return make_spaces()

import pytest

from tests.portal.world import make_spaces


@pytest.fixture
def spaces(today, db):
    """Supplier, other supplier, instructor and paying agent accounts (see world.py)."""
    today("2026-09-01")
    return make_spaces()

"""The API world (tests/api/conftest.py) serves the payment tests too."""

from tests.api.conftest import world  # noqa: F401

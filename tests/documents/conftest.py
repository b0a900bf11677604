import pytest

from tests.documents.pdfs import filed


@pytest.fixture
def dossier(world):
    return filed(world)

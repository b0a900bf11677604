import pytest


@pytest.fixture(autouse=True)
def _documents_outside_the_repository(settings, tmp_path):
    settings.SONS_DOCUMENTS_DIR = str(tmp_path / "documents")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.SONS_DOCUMENTS_DIR},
        },
    }

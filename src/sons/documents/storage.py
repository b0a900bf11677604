"""The storage of uploaded documents and prepared exports: settings.STORAGES["documents"] (a folder outside the
web root, or an S3-compatible store), where files have relative names (« 12/<sha256>.pdf »)."""

from django.core.files.storage import storages


def documents_storage():
    return storages["documents"]

"""Where the supplied pieces are kept: Django's storage "documents" (a folder outside the web root, or an
S3-compatible store), read by the upload, its check in a worker and the downloads alike."""

from django.core.files.storage import storages


def documents_storage():
    return storages["documents"]

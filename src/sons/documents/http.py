"""PDF answers shared by the API and the portal: models to sign, recovery letters, stored pieces."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .safety import download_name
from .storage import documents_storage


def pdf_response(content: bytes, file_name: str, etag: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, download_name(file_name))
    response["Cache-Control"] = "private, no-store"  # documents name a client: never kept by a proxy
    if etag:
        response["ETag"] = f'"{etag}"'
    return response


def stored_document_response(document) -> HttpResponse | None:
    """The stored piece as a download, or None when the file is missing from the storage."""
    try:
        with documents_storage().open(document.path, "rb") as file:
            content = file.read()
    except (OSError, ValueError):  # missing, or a name the storage refuses
        return None
    return pdf_response(content, document.name, etag=document.sha256)

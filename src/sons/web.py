"""HTTP policies of every page and API answer: uploads capped as they arrive, no caching of personal pages.

- `UploadSizeMiddleware`: a multipart body announced larger than the upload limit is refused (413, French)
  before one byte of it is read. Django reads no more than Content-Length (a chunked body without it is read
  as empty), so the announced length bounds what is read.
- `CappedUploadHandler` (the only FILE_UPLOAD_HANDLERS): each file is kept in memory up to the limit and
  counted; bytes past the limit are dropped, never written anywhere, and the file's `size` says how large it
  was, so the view refuses it by its size before reading it.
- `SessionActivityMiddleware`: a session in use is saved again (its expiry pushed back by SESSION_COOKIE_AGE)
  when its last save is more than a minute old, so that it ends after SESSION_COOKIE_AGE of inactivity.
- `NoStoreMiddleware`: answers to an authenticated request (session or API token) get
  `Cache-Control: private, no-store` unless the view set its own.
"""

from __future__ import annotations

import io
import time

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers

# Room for the other fields of a multipart form (the CSRF token, the document's kind) and the part headers.
FORM_MARGIN = 256 * 1024


def upload_limit() -> int:
    return settings.SONS_UPLOAD_MAX_BYTES


def too_large_response(request) -> HttpResponse:
    megabytes = upload_limit() // (1024 * 1024)
    message = f"Envoi trop volumineux : {megabytes} Mo au plus par envoi."
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "field": "file"}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class UploadSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > upload_limit() + FORM_MARGIN:
                return too_large_response(request)
        return self.get_response(request)


class CappedFile(UploadedFile):
    """An uploaded file held in memory; `size` is the size sent, which may exceed what was kept."""

    def __init__(self, file, name, content_type, size, charset, content_type_extra=None):
        super().__init__(file, name, content_type, size, charset, content_type_extra)

    def open(self, mode=None):
        self.file.seek(0)
        return self

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        yield self.read()

    def multiple_chunks(self, chunk_size=None):
        return False


class CappedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        room = upload_limit() - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None  # the last handler: nothing is passed on

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return CappedFile(
            self.buffer, self.file_name, self.content_type, self.received, self.charset,
            self.content_type_extra,
        )  # fmt: skip


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        authenticated = (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ("Cookie", "Authorization"))
        return response


SESSION_ACTIVE_AT = "_active_at"


def mark_session_active(sender, request, user, **kwargs):
    """At sign-in (saved with the new session), so that the next minute of requests need not save it again."""
    request.session[SESSION_ACTIVE_AT] = int(time.time())


class SessionActivityMiddleware:
    TOUCH_EVERY = 60  # seconds
    KEY = SESSION_ACTIVE_AT

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and session.session_key and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.TOUCH_EVERY:
                session[self.KEY] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return self.get_response(request)

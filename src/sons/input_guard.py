"""A NUL byte in a query parameter, a form field or the path is refused (400, French) before any view runs:
PostgreSQL cannot store or even compare it, and the error it raises would be a 500.

Form fields are read after the CSRF middleware has read them (this runs in `process_view`), and never for
the API's views (CSRF-exempt), whose JSON and multipart inputs the schemas check field by field."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def first_nul(query) -> str | None:
    """The name of the first parameter whose name or value holds a NUL byte."""
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "␀")[:60]
    return None


def refusal(request, field: str) -> HttpResponse:
    message = f"Caractère NUL interdit dans « {field} » : corrigez la saisie."
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "field": field}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class NulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return refusal(request, "adresse")
        field = first_nul(request.GET)
        if field is not None:
            return refusal(request, field)
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None
        if not request.META.get("CONTENT_TYPE", "").startswith(FORM_TYPES):
            return None
        field = first_nul(request.POST)
        return refusal(request, field) if field is not None else None

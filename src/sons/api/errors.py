"""Every API error is JSON with a French message and, where it applies, the field path: the domain's refusals
(sons.errors.Refused) with the status they carry, the body's validation errors, authentication and 404s."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, UnreadablePostError
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sons.errors import CODE_OF_STATUS, Refused, invalid_input
from sons.rules import InvalidDossier

from .middleware import incomplete_body_response

NINJA_MESSAGES = {
    "Cannot parse request body": "Corps de la requête illisible : JSON invalide.",
    "CSRF check Failed": "Jeton CSRF absent ou invalide : une session du portail n'agit sur l'API qu'avec son "
    "jeton CSRF (en-tête X-CSRFToken).",
}


def install(api):
    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        refusal = invalid_input(exc.errors)  # unknown_field if a field is unknown, invalid_value otherwise
        answer = refusal.as_dict()
        return api.create_response(
            request, {**answer, "message": f"Requête invalide : {refusal.message}", "field": refusal.field},
            status=422,
        )  # fmt: skip

    @api.exception_handler(Refused)
    def refused(request, exc):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, {"code": "unauthenticated",
                      "message": "Authentification requise : jeton « Authorization: Bearer … » absent ou invalide."},
            status=401,
        )  # fmt: skip

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"code": "not_found", "message": "Introuvable."}, status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        return api.create_response(request, {"code": "not_found", "message": "Introuvable."}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = NINJA_MESSAGES.get(str(exc), str(exc))
        answer = {
            "code": CODE_OF_STATUS.get(exc.status_code, "malformed_request"),
            "message": message,
            "field": "corps",
        }
        if exc.status_code == 403:
            answer["field"] = None
        return api.create_response(request, answer, status=exc.status_code)

    @api.exception_handler(UnreadablePostError)
    def incomplete_body(request, exc):
        return incomplete_body_response(request, exc)

    @api.exception_handler(InvalidDossier)
    def invalid_dossier(request, exc):
        return api.create_response(
            request,
            {"code": "invalid_value", "message": f"{exc.path} : {exc.message}", "field": exc.path},
            status=422,
        )

"""Every API error is JSON with a French message and, where it applies, the field path: the domain's refusals
(sons.errors.Refused) with the status they carry, the body's validation errors, authentication and 404s."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, UnreadablePostError
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sons.errors import Refused, validation_errors
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
        errors = validation_errors(exc.errors)
        first = errors[0] if errors else {"field": "", "message": "requête invalide"}
        return api.create_response(
            request,
            {"message": f"Requête invalide : {first['field']} : {first['message']}", "field": first["field"],
             "errors": errors},
            status=422,
        )  # fmt: skip

    @api.exception_handler(Refused)
    def refused(request, exc):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request, {"message": "Authentification requise : jeton « Authorization: Bearer … » absent ou invalide."},
            status=401,
        )  # fmt: skip

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"message": "Introuvable."}, status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        return api.create_response(request, {"message": "Introuvable."}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = NINJA_MESSAGES.get(str(exc), str(exc))
        return api.create_response(request, {"message": message, "field": "corps"}, status=exc.status_code)

    @api.exception_handler(UnreadablePostError)
    def incomplete_body(request, exc):
        return incomplete_body_response(request, exc)

    @api.exception_handler(InvalidDossier)
    def invalid_dossier(request, exc):
        return api.create_response(
            request, {"message": f"{exc.path} : {exc.message}", "field": exc.path}, status=422
        )

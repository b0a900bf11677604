"""Every API error is JSON with a French message and, where it applies, the field path."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, UnreadablePostError
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sons.dossiers.actions import FilingRefused
from sons.dossiers.pilots import PilotRefused
from sons.dossiers.workflow import TransitionRefused
from sons.rules import InvalidDossier
from sons.suppliers.errors import Refused
from sons.suppliers.perms import Forbidden

from .middleware import incomplete_body_response

PYDANTIC_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_inexact": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "decimal_parsing": "montant attendu (ex. « 270.00 »)",
    "decimal_type": "montant attendu (ex. « 270.00 »)",
    "decimal_max_places": "au plus deux décimales",
    "decimal_max_digits": "montant trop grand",
    "decimal_whole_digits": "montant trop grand",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "string_type": "chaîne de caractères attendue",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "literal_error": "valeur non reconnue",
    "enum": "valeur non reconnue",
    "list_type": "liste attendue",
    "too_long": "liste trop longue",
    "too_short": "liste trop courte",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "json_invalid": "JSON invalide",
    "greater_than_equal": "valeur trop petite",
    "greater_than": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "less_than": "valeur trop grande",
    "extra_forbidden": "champ inconnu",
    "value_error": "valeur invalide",
}

NINJA_MESSAGES = {
    "Cannot parse request body": "Corps de la requête illisible : JSON invalide.",
    "CSRF check Failed": "Jeton CSRF absent ou invalide : une session du portail n'agit sur l'API qu'avec son "
    "jeton CSRF (en-tête X-CSRFToken).",
}


def field_path(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "form", "file"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "data", "body", "decision"):
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or "corps de la requête"


def french_errors(errors) -> list[dict]:
    result = []
    for error in errors:
        kind = error.get("type", "")
        message = PYDANTIC_MESSAGES.get(kind, "valeur invalide")
        if kind == "value_error" and "NUL" in str(error.get("msg", "")):
            message = "caractère NUL interdit"
        if kind == "literal_error" and error.get("ctx", {}).get("expected"):
            message += f" ; valeurs admises : {error['ctx']['expected']}"
        result.append({"field": field_path(error.get("loc", ())), "message": message})
    return result


def install(api):
    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = french_errors(exc.errors)
        first = errors[0] if errors else {"field": "", "message": "requête invalide"}
        return api.create_response(
            request,
            {"message": f"Requête invalide : {first['field']} : {first['message']}", "field": first["field"],
             "errors": errors},
            status=422,
        )  # fmt: skip

    @api.exception_handler(FilingRefused)
    def refused(request, exc):
        return api.create_response(request, {"message": exc.message, "field": exc.field}, status=exc.status)

    @api.exception_handler(TransitionRefused)
    def transition_refused(request, exc):
        return api.create_response(request, {"message": str(exc)}, status=409)

    @api.exception_handler(PilotRefused)
    def pilot_refused(request, exc):
        return api.create_response(
            request,
            {"message": "Périmètre pilote non conforme : " + str(exc), "findings": exc.findings},
            status=422,
        )

    @api.exception_handler(Refused)
    def joining_refused(request, exc):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(Forbidden)
    def forbidden(request, exc):
        return api.create_response(request, {"message": str(exc)}, status=403)

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

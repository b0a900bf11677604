"""What the domain refuses, and why, in French: one base class that both doors (the API and the portal) turn
into their answer (a JSON 4xx naming the field, a message on the page) without knowing the refusal's kind.
Each kind carries a stable `code` (its class's), which programs test rather than the message; `CODES` lists
every code an answer of the API may carry, with what it means (the API's documentation reads it).

    raise Invalid("n° RPPS 123 invalide (11 chiffres, clé de Luhn).", field="client.rpps")
    raise Conflict("Action « Valider la demande d'avance » impossible : le dossier est à l'état « Brouillon ».")
"""

from __future__ import annotations

# Every error code, with its HTTP status and what it means: the domain's refusals (the classes below), then the
# HTTP layer's own (authentication, throttling, idempotency, the server's failures).
CODES: dict[str, tuple[int, str]] = {
    "invalid_value": (422, "valeur invalide (type, date, clé RPPS/FINESS, montant, liste de codes)"),
    "unknown_field": (
        422,
        "champ inconnu du contrat (faute de frappe, champ hors de sa section), ou filtre inconnu d'une liste",
    ),
    "rules_refused": (422, "refus des règles de l'AF (périmètre pilote non conforme : les constats suivent)"),
    "forbidden": (403, "action réservée à un autre rôle, ou organisation non enrôlée"),
    "not_found": (404, "objet introuvable, ou appartenant à un autre fournisseur"),
    "conflict_state": (409, "action impossible dans l'état de l'objet"),
    "client_taken": (
        409,
        "Client déjà titulaire d'une commande déposée comprenant une Prestation Ségur (§4.2)",
    ),
    "missing_piece": (
        422,
        "pièce obligatoire manquante pour déposer ou valider la demande (bon de commande §6.2 ; facture et VA "
        "§6.4)",
    ),
    "reference_taken": (409, "référence de commande déjà employée par un autre dossier de l'organisation"),
    "idempotency_in_progress": (409, "une requête avec cette clé d'idempotence est en cours"),
    "idempotency_reused": (422, "clé d'idempotence déjà employée pour une autre requête"),
    "malformed_request": (400, "corps illisible, incomplet ou caractère interdit"),
    "payload_too_large": (413, "corps ou fichier trop volumineux"),
    "unauthenticated": (401, "jeton absent, inconnu, révoqué ou expiré"),
    "method_not_allowed": (405, "méthode non admise à cette adresse"),
    "rate_limited": (429, "trop de requêtes pour ce jeton : attendre Retry-After secondes"),
    "server_error": (500, "erreur interne, journalisée sous le request_id ; rien n'a été enregistré"),
    "unavailable": (503, "base de données momentanément indisponible ; rien n'a été enregistré, réessayer"),
}
# The code an answer carries when its producer named none (Django's own 404, a framework's 400…).
CODE_OF_STATUS = {400: "malformed_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                  405: "method_not_allowed", 409: "conflict_state", 413: "payload_too_large", 422: "invalid_value",
                  429: "rate_limited", 500: "server_error", 503: "unavailable"}  # fmt: skip


class Refused(Exception):
    """A request the domain will not carry out. `message` says why (French), `field` names the input at fault
    (a dotted path such as `order.lines[0].amount`, or "" for the request as a whole), `status` is the HTTP
    answer the API gives, `code` the stable name of the kind (CODES), `details` extra data for the answer (the
    rules' findings, every field's error…)."""

    status = 409
    code = "conflict_state"

    def __init__(self, message: str, field: str = "", *, status: int | None = None, **details):
        super().__init__(message)
        self.message, self.field, self.details = message, field, details
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        answer = {"code": self.code, "message": self.message}
        if self.field:
            answer["field"] = self.field
        return {**answer, **self.details}


class Invalid(Refused):
    """Bad input: a value, a file or a filter the domain cannot read (HTTP 422)."""

    status = 422
    code = "invalid_value"


class UnknownField(Invalid):
    """A field the contract does not know, refused rather than dropped (HTTP 422)."""

    code = "unknown_field"


class Forbidden(Refused):
    """The principal's role does not allow this action (HTTP 403; a foreign object is a 404 instead)."""

    status = 403
    code = "forbidden"


class NotFound(Refused):
    """The input names an object that does not exist, or that the principal may not see (HTTP 404)."""

    status = 404
    code = "not_found"


class Conflict(Refused):
    """The object's state, or another object, forbids this now (HTTP 409): a step the lifecycle does not
    allow in this state, a batch already sent."""

    status = 409
    code = "conflict_state"


class ClientTaken(Conflict):
    """The client already holds a filed order with a Prestation Ségur (§4.2)."""

    code = "client_taken"


class ReferenceTaken(Conflict):
    """The organisation already has a dossier under this order reference."""

    code = "reference_taken"


class MissingPiece(Invalid):
    """A request filed, or validated, without a piece the AF requires with it (§6.2, §6.4): `missing` lists their
    kinds."""

    code = "missing_piece"


# Messages for the error types of pydantic, the validator of the API's and the forms' declarations.
VALIDATION_MESSAGES = {
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
# The wrappers around a body's fields in a validator's location, left out of the field's path.
WRAPPERS = ("body", "query", "path", "header", "form", "file")
ENVELOPES = ("payload", "data", "body", "decision")


def field_path(loc) -> str:
    """`("body", "payload", "order", "lines", 0, "amount")` → `order.lines[0].amount`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in WRAPPERS:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ENVELOPES:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or "corps de la requête"


def validation_errors(errors) -> list[dict]:
    """A validator's errors (pydantic's `errors()`) as [{field, message}] in French."""
    result = []
    for error in errors:
        kind = error.get("type", "")
        message = VALIDATION_MESSAGES.get(kind, "valeur invalide")
        if kind == "value_error" and "NUL" in str(error.get("msg", "")):
            message = "caractère NUL interdit"
        if kind == "literal_error" and error.get("ctx", {}).get("expected"):
            message += f" ; valeurs admises : {error['ctx']['expected']}"
        result.append({"field": field_path(error.get("loc", ())), "message": message})
    return result


def invalid_input(errors) -> Invalid:
    """One refusal for a validator's errors: the first names the field, all are in `errors`."""
    found = validation_errors(errors) or [{"field": "", "message": "requête invalide"}]
    first = found[0]
    kind = UnknownField if any(error.get("type") == "extra_forbidden" for error in errors) else Invalid
    return kind(f"{first['field']} : {first['message']}", first["field"], errors=found)

"""The OpenAPI document of /api/v1/openapi.json, completed after django-ninja has built it:

- every operation documents the errors every route may answer (ErrorOut: 400, 401 with WWW-Authenticate,
  403, 404, 409, 413, 422, 429 with Retry-After, 500, 503 with Retry-After), and every answer the headers every
  answer carries (X-Request-ID, RateLimit, RateLimit-Policy);
- every POST declares the Idempotency-Key header, with how long keys are kept;
- the list of error codes is sons.errors.CODES.
The operationIds are the views' names (`file_dossier`, `list_dossiers`…), stable across refactorings of
modules (sons.api.api.SonsAPI).
"""

from __future__ import annotations

from django.conf import settings

ERROR_STATUSES = {
    "400": "Requête illisible (corps incomplet, JSON invalide, caractère NUL)",
    "401": "Authentification requise (jeton absent, inconnu, révoqué ou expiré)",
    "403": "Action réservée à un autre rôle, ou organisation non enrôlée",
    "404": "Introuvable, ou appartenant à un autre fournisseur",
    "409": "Conflit : état de l'objet, Client déjà réservé, référence déjà employée, clé d'idempotence en cours",
    "413": "Corps ou fichier trop volumineux",
    "422": "Entrée invalide, champ ou filtre inconnu, clé d'idempotence réemployée",
    "429": "Trop de requêtes pour ce jeton",
    "500": "Erreur interne (rien n'est enregistré ; citer request_id)",
    "503": "Base de données momentanément indisponible (rien n'est enregistré ; réessayer)",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
COMMON_HEADERS = {
    "X-Request-ID": {"description": "identifiant de la requête, repris dans les journaux et les erreurs",
                     "schema": {"type": "string"}},
    "RateLimit-Policy": {"description": "quota du jeton : `\"jeton\";q=<requêtes>;w=<secondes>`",
                         "schema": {"type": "string"}},
    "RateLimit": {"description": "reste du quota : `\"jeton\";r=<restantes>;t=<secondes avant renouvellement>`",
                  "schema": {"type": "string"}},
}  # fmt: skip
RETRY_AFTER = {"description": "secondes à attendre avant de réessayer", "schema": {"type": "integer"}}
WWW_AUTHENTICATE = {"description": "`Bearer realm=\"SONS\"` (et `error=\"invalid_token\"` si un jeton a été "
                    "présenté)", "schema": {"type": "string"}}  # fmt: skip


def idempotency_parameter() -> dict:
    hours = int(getattr(settings, "SONS_IDEMPOTENCY_HOURS", 24))
    return {
        "in": "header",
        "name": "Idempotency-Key",
        "required": False,
        "schema": {"type": "string", "maxLength": 200},
        "description": "Clé choisie par le client (200 caractères au plus) : la première réponse est gardée "
        f"{hours} h et rejouée (en-tête `Idempotent-Replayed: true`) à toute requête de même clé et de même "
        "corps ; la même clé avec un autre corps : 422 `idempotency_reused` ; pendant que la première "
        "s'exécute : elle est attendue, ou 409 `idempotency_in_progress`. Les réponses 401, 403 et 5xx ne "
        "sont pas gardées.",
    }


def error_schema(schema: dict) -> None:
    """ErrorOut as every answer has it (sons.api.headers completes those a view made): code, message and
    request_id always there."""
    error = schema.get("components", {}).get("schemas", {}).get("ErrorOut")
    if error is None:
        return
    properties = error["properties"]
    for name in ("code", "request_id"):
        described = {k: v for k, v in properties[name].items() if k not in ("anyOf", "default")}
        properties[name] = {"type": "string", **described}
    error["required"] = ["code", "message", "request_id"]


def complete(schema: dict) -> dict:
    """The document completed in place (and returned)."""
    error_schema(schema)
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                if operation.get("security") == [] and status in ("401", "403"):
                    continue
                answer = responses.setdefault(status, {"description": description})
                answer.setdefault("content", {"application/json": {"schema": ERROR_REF}})
                if answer["description"] in ("", "Error", status):
                    answer["description"] = description
            responses["401"].setdefault("headers", {})["WWW-Authenticate"] = WWW_AUTHENTICATE
            responses["429"].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
            responses["503"].setdefault("headers", {})["Retry-After"] = RETRY_AFTER
            for answer in responses.values():
                answer.setdefault("headers", {}).update(COMMON_HEADERS)
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(idempotency_parameter())
    return schema

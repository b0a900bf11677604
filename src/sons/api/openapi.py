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

from .schemas import AMOUNT_PATTERN

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


def binary(
    media_type: str, description: str, *, more: tuple[str, ...] = (), parameters: list | None = None
) -> dict:
    """The openapi_extra of a file download: a binary 200 in its media types, and `application/octet-stream`,
    which the server answers to a client that asks only for it (Accept: application/octet-stream)."""
    file = {"schema": {"type": "string", "format": "binary"}}
    content = {media: file for media in (media_type, *more, "application/octet-stream")}
    extra: dict = {"responses": {200: {"description": description, "content": content}}}
    if parameters:
        extra["parameters"] = parameters
    return extra


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


def amounts_as_strings(node) -> None:
    """Every amount (a decimal the contract reads from a string or a number) published as a string with two
    decimals, which is what every answer gives and what a client should send."""
    if isinstance(node, dict):
        kind = node.get("type")
        decimal = isinstance(kind, list) and {"string", "number"} <= set(kind)
        any_of = node.get("anyOf")
        if any_of and {d.get("type") for d in any_of if isinstance(d, dict)} == {"number", "string"}:
            decimal = True
            del node["anyOf"]
        if decimal:
            node["type"] = ["string", "null"] if isinstance(kind, list) and "null" in kind else "string"
            node["pattern"] = AMOUNT_PATTERN
            node.setdefault("examples", ["270.00"])
        for value in node.values():
            amounts_as_strings(value)
    elif isinstance(node, list):
        for value in node:
            amounts_as_strings(value)


def add_examples(operation: dict) -> None:
    body = operation.get("requestBody")
    example = EXAMPLES.get(operation.get("operationId", ""))
    if not body or example is None:
        return
    for media in body.get("content", {}).values():
        if "example" not in media and "examples" not in media:
            media["example"] = JSON_LINES_EXAMPLE if example == "JSON_LINES" else example


def complete(schema: dict) -> dict:
    """The document completed in place (and returned)."""
    error_schema(schema)
    amounts_as_strings(schema)
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            # django-ninja keys its answers by int, ours are strings: one key per status, or the JSON would
            # carry « 400 » twice (Swagger UI's parser refuses duplicate keys).
            responses = operation["responses"] = {
                str(k): v for k, v in operation.get("responses", {}).items()
            }
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
            add_examples(operation)
            if method == "post":
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(idempotency_parameter())
    return schema


# One example per request body, by operationId (tests/api/test_spec.py checks that every body has one).
FILING = {
    "client": {"rpps": "10001234565", "de_minimis_other_aid": "0.00"},
    "solution_version_id": 1,
    "supplier_reference": "CMD-2026-0001",
    "order": {
        "in_client_name": True, "issued_on": "2026-08-01", "signed_on": "2026-08-10", "signature": "psc",
        "lines": [{"label": "Prestation Ségur", "amount": "270.00"}], "vat_rate": "20",
        "mention_state_funded": True, "mention_conditional_referencing": False, "conditioned_on": [],
    },
}  # fmt: skip
BALANCE = {
    "completed_on": "2027-12-01",
    "va": {"signed_on": "2027-12-05", "signature": "psc",
           "functions": ["psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received",
                         "send_mes", "consult_mes", "segur_documents"]},
    "invoice": {"issued_on": "2027-12-06", "amount": "270.00", "in_client_name": True},
    "training_delivered": True,
}  # fmt: skip
JSON_LINES_EXAMPLE = (
    '{"client": {"rpps": "10001234565"}, "solution_version_id": 1, "order": {"...": "..."}}\n'
    '{"client": {"rpps": "10001234573"}, "solution_version_id": 1, "order": {"...": "..."}}\n'
)
EXAMPLES = {
    "file_dossier": FILING,
    "file_bulk": [FILING],
    "file_bulk_lines": "JSON_LINES",
    "replace_draft": FILING,
    "patch_draft": {"order": {"signed_on": "2026-08-12"}},
    "cancel_draft": {"reason": "Commande annulée par le Client."},
    "answer_completion": {"message": "Bon de commande corrigé : date de signature.",
                          "order": {"signed_on": "2026-08-12"}},
    "file_balance": BALANCE,
    "incapacity": {"reason": "Cessation d'activité du Client."},
    "upload_document": {"kind": "order", "file": "(fichier PDF)"},
    "create_webhook": {"url": "https://logiciel.example.fr/sons/webhooks", "kinds": ["request.validated",
                       "completion.requested"], "description": "Logiciel de gestion des commandes"},
    "update_webhook": {"url": "https://logiciel.example.fr/sons/webhooks-v2", "kinds": ["request.validated",
                       "payment.sent"]},
    "post_message": {"message": "Voici le bon de commande signé demandé.", "file": "(fichier PDF, facultatif)"},
    "decide": {"dossier_ids": [1, 2], "decision": "request_completion", "message": "Merci de joindre la facture."},
    "submit": {"solution_version_id": 1, "training_materials_sent": True,
               "clients": [{"dossier_id": 1, "pv_signed": True}]},
    "pilot_decision": {"decision": "validate", "reason": ""},
    "observations": {"reason": "Observations reçues du Fournisseur le 2027-03-02."},
    "repayment": {"amount": "108.00"},
    "cancel_recovery": {"reason": "Reversement constaté hors SONS."},
    "referencing": {"decision": "grant"},
    "withdrawal": {"dossiers": 3, "paid": "324.00"},
    "sign_up": {"siren": "552100554", "siret": "55210055400013", "name": "Logiciels Santé SAS",
                "address": "1 rue de la Paix", "postcode": "75002", "city": "Paris", "kind": "publisher",
                "first_name": "Camille", "last_name": "Martin", "email": "camille.martin@example.fr",
                "password": "une phrase de passe longue"},
    "change_member": {"member_role": "filer"},
    "invite": {"email": "dominique.petit@example.fr", "member_role": "reader"},
    "file_enrolment": {"solution_id": 1, "hosts_health_data": True, "psc_user_service_operator": True,
                       "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "rib": "(fichier PDF)",
                       "hds_certificate": "(fichier PDF)", "sworn_statement": "(fichier PDF)"},
    "complete_enrolment": {"solution_id": 1, "hosts_health_data": True, "psc_user_service_operator": True,
                           "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP",
                           "answer": "Attestation HDS à jour jointe.", "hds_certificate": "(fichier PDF)"},
    "change_bank_details": {"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "rib": "(fichier PDF)"},
    "decide_enrolment": {"decision": "request_completion", "message": "Merci de joindre l'attestation HDS."},
    "decide_bank_change": {"decision": "validate", "message": ""},
    "create_agent": {"email": "agent@asp.example.fr", "first_name": "Alex", "last_name": "Bernard",
                     "roles": ["asp_instructor"]},
    "grant_role": {"role": "asp_paying_agent"},
}  # fmt: skip

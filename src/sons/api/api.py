"""The REST API (django-ninja), version 1: mounted at /api/v1/ (and, deprecated, at /api/: sons.api.urls);
OpenAPI at /api/v1/openapi.json, documentation at /api/v1/docs. Add a router here with `api.add_router("",
…)`: it lands under both prefixes, and its operations get the common errors and headers (sons.api.openapi)."""

import orjson
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer

from sons.batch import json_default

from . import errors, openapi
from .auth import TokenAuth, session_auth
from .routes import documents, dossiers, joining, reads, staff


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=json_default)


class SonsAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The view's name (`file_dossier`): stable, and what a generated client calls its function."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return openapi.complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = SonsAPI(
    renderer=OrjsonRenderer(),
    title="API SONS SFP-LGC-Va2",
    version="1.1.0",
    description="Dépôt et instruction des demandes de financement Ségur numérique (AF SFP-LGC-Va2). "
    "Version 1 : préfixe `/api/v1/` ; les chemins sans version (`/api/…`) sont des alias dépréciés "
    "(en-têtes `Deprecation`, `Sunset`, `Link`). Guide : docs/api.md ; premier dépôt : docs/tutoriel-api.md.",
    auth=[TokenAuth(), session_auth],
    urls_namespace="api",
)
errors.install(api)
api.add_router("", dossiers.router)
api.add_router("", documents.router)
api.add_router("", reads.router)
api.add_router("", "sons.api.routes.messages.router")
api.add_router("", staff.payment_files)  # first: staff.router's {action} route would catch sepa.xml
api.add_router("", staff.router)
api.add_router("", staff.public)
api.add_router("", "sons.api.routes.exports.router")
api.add_router("", "sons.api.routes.tokens.router")
api.add_router("", "sons.api.routes.webhooks.router")
api.add_router("", joining.public)
api.add_router("", joining.organisation)
api.add_router("", joining.staff)

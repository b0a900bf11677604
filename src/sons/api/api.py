"""The REST API (django-ninja): OpenAPI at /api/openapi.json, documentation at /api/docs."""

import orjson
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer

from sons.batch import json_default

from . import errors
from .auth import TokenAuth, session_auth
from .routes import documents, dossiers, joining, staff


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=json_default)


api = NinjaAPI(
    renderer=OrjsonRenderer(),
    title="API SONS SFP-LGC-Va2",
    version="1",
    description="Dépôt et instruction des demandes de financement Ségur numérique (AF SFP-LGC-Va2).",
    auth=[TokenAuth(), session_auth],
    urls_namespace="api",
)
errors.install(api)
api.add_router("", dossiers.router)
api.add_router("", documents.router)
api.add_router("", "sons.api.routes.messages.router")
api.add_router("", staff.payment_files)  # first: staff.router's {action} route would catch sepa.xml
api.add_router("", staff.router)
api.add_router("", staff.public)
api.add_router("", "sons.api.routes.exports.router")
api.add_router("", "sons.api.routes.tokens.router")
api.add_router("", joining.public)
api.add_router("", joining.organisation)
api.add_router("", joining.staff)

"""The API is mounted twice: /api/v1/ (namespace « api », the current version, whose OpenAPI is
/api/v1/openapi.json) and /api/ (namespace « api_legacy »), the former unversioned paths, kept as aliases of
the same views until their sunset (sons.api.headers adds Deprecation, Sunset and Link there). A router added
to `sons.api.api.api` lands under both."""

from django.urls import include, path

from .api import api

urlpatterns = [
    path("v1/", api.urls),
    path("", include((api.urls[0], "ninja"), namespace="api_legacy")),
]

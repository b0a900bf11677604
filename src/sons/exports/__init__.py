"""Exports for the ASP's instructors: dossiers, payments and recoveries as CSV (Excel-FR) or XLSX, filtered,
streamed row by row so that hundreds of thousands of rows fit in bounded memory.

    table = TABLES["dossiers"]
    queryset = filtered(table, {"state": "advance_validated", "filed_from": "2026-09-01"})  # BadFilter if wrong
    csv_chunks(table, queryset)          # iterator of str, for a StreamingHttpResponse
    write_xlsx(table, queryset, file)    # a write-only workbook into a binary file
"""

from sons.filtering import BadFilter

from .tables import TABLES, Column, Table, filtered
from .writers import csv_chunks, rows, write_xlsx

__all__ = ["TABLES", "BadFilter", "Column", "Table", "csv_chunks", "filtered", "rows", "write_xlsx"]

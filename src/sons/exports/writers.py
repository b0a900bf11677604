"""Rows of an export, as CSV text for Excel-FR or as a write-only XLSX workbook, one chunk at a time.

CSV: UTF-8 with a byte-order mark (Excel then reads the accents right), « ; » between fields, CRLF line ends,
decimal comma in amounts (« 1234,50 »), dates dd/mm/yyyy, times in Paris time, labels instead of codes.
XLSX: amounts as numbers (two decimals shown), dates and times as real Excel dates, headers frozen.
In both, text that Excel would read as a formula is defused (CSV: a leading « ' »; XLSX: a string cell).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .tables import Column, Table

CHUNK = 2000  # rows fetched from the database at a time
LINES_PER_CHUNK = 500  # CSV lines per chunk sent to the client
CENT = Decimal("0.01")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMATS = {"money": "#,##0.00", "date": "DD/MM/YYYY", "datetime": "DD/MM/YYYY HH:MM"}


def value_of(column: Column, raw):
    """The Python value of a cell: labels for codes, Paris time without zone for times."""
    if raw is None:
        return None
    if column.kind == "label":
        return column.labels.get(raw, raw)
    if column.kind == "datetime":
        return timezone.localtime(raw).replace(tzinfo=None, microsecond=0)
    if column.kind == "money":  # sums computed by SQLite lose the cents' scale
        return Decimal(raw).quantize(CENT)
    return raw


def rows(table: Table, queryset: QuerySet, chunk_size: int = CHUNK) -> Iterator[tuple]:
    """The rows as tuples of Python values, read chunk by chunk (never the whole result in memory)."""
    columns = table.columns
    for raw in queryset.values_list(*(c.path for c in columns)).iterator(chunk_size=chunk_size):
        yield tuple(value_of(column, value) for column, value in zip(columns, raw, strict=True))


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Line:
    """csv.writer's file: gives back the line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(table: Table, queryset: QuerySet) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([c.header for c in table.columns])
    lines = []
    for row in rows(table, queryset):
        lines.append(writer.writerow([csv_text(v) for v in row]))
        if len(lines) == LINES_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def write_xlsx(table: Table, queryset: QuerySet, target) -> None:
    """Writes the workbook into `target` (a path or a binary file open for writing)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    headers = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    # One styled cell per formatted column, reused on every row: write-only mode serialises a row before the
    # next one is appended, and a new styled cell per value would cost more than the rest of the export.
    styled = {}
    for index, column in enumerate(table.columns):
        if column.kind in XLSX_FORMATS:
            styled[index] = WriteOnlyCell(sheet)
            styled[index].number_format = XLSX_FORMATS[column.kind]
    for row in rows(table, queryset):
        sheet.append([xlsx_cell(sheet, styled.get(index), value) for index, value in enumerate(row)])
    workbook.save(target)


def xlsx_cell(sheet, template, value):
    if value is None:
        return None
    if template is not None:
        template.value = value
        return template
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"  # openpyxl would otherwise write a formula
            return cell
    return value

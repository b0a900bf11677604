"""On PostgreSQL the extract is parsed by COPY itself: the raw file goes, unparsed, into an UNLOGGED table
(one text column per field, numbered lines); checks, counts and grouping are then set-based SQL. This keeps
the load close to a bare `\\copy` of the file (see bench/bench_import.py)."""

from __future__ import annotations

import re

import psycopg
from django.db import connection

from . import rpps_format as fmt
from .reading import Progress, RefusedFile, check_rpps_header, open_binary, undecodable_column
from .swap import quote

RAW = "directory_rpps_raw"
CHUNK = 1 << 20
COLUMNS = [f"c{i}" for i in range(fmt.FIELDS)]
CODES = ", ".join(f"'{code}'" for code in fmt.PROFESSIONS)
PROFESSION = (
    "CASE c9 " + " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in fmt.PROFESSIONS.items()) + " END"
)
# The rows the directory keeps, under the staging table's column names, for the shared SQL of rpps.py.
KEPT = (
    f"(SELECT c1 AS rpps, {PROFESSION} AS profession, c17 AS mode, c15 AS savoir_faire, c47 AS authority, "
    f"c7 AS last_name, c8 AS first_name, c23 AS structure, line + 1 AS line "
    f"FROM {RAW} WHERE c0 = '8' AND c9 IN ({CODES})) AS kept"
)
_DOUBLED = "('{0,2,4,6,8,1,3,5,7,9}'::int[])"


def luhn_sql(column: str, digits: int = 11) -> str:
    terms = []
    for index in range(digits):
        digit = f"substr({column}, {index + 1}, 1)::int"
        terms.append(f"{_DOUBLED}[{digit} + 1]" if (digits - index) % 2 == 0 else digit)
    return "(" + " + ".join(terms) + ") % 10 = 0"


CHECKS = [  # (reason, column number, condition on a raw row)
    ("ligne tronquée (champs manquants ou « | » final absent)", fmt.FIELDS, f"c{fmt.FIELDS - 1} <> ''"),
    ("type d'identifiant inconnu (8 RPPS ou 0 ADELI attendu)", 1, "c0 NOT IN ('0', '8')"),
    ("n° RPPS invalide (11 chiffres, clé de Luhn)", 2,
     f"c0 = '8' AND c9 IN ({CODES}) AND (c1 !~ '^[0-9]{{11}}$' OR NOT {luhn_sql('c1')})"),
    ("identification nationale différente de « 8 » + RPPS", 3, f"c0 = '8' AND c9 IN ({CODES}) AND c2 <> '8' || c1"),
    ("code mode d'exercice inconnu (L, S ou B attendu)", 18,
     f"c0 = '8' AND c9 IN ({CODES}) AND c17 NOT IN ('L', 'S', 'B', '')"),
]  # fmt: skip


def stage(path: str, report) -> str:
    """COPY the file into the raw table; refuse it on the first structural error. Returns the kept rows' SQL."""
    stream, size = open_binary(path, "PS_LibreAcces_Personne_activite")
    with stream:
        header = stream.readline()
        check_rpps_header(path, header.decode("utf-8", errors="replace"))
        with connection.cursor() as cursor:
            # Grouping a million people sorts in memory rather than on disk (this transaction only).
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(f"DROP TABLE IF EXISTS {RAW}")
            columns = ", ".join(f"{c} text" for c in COLUMNS)
            cursor.execute(
                f"CREATE UNLOGGED TABLE {RAW} (line bigint GENERATED ALWAYS AS IDENTITY, {columns})"
            )
            progress = Progress(size, "RPPS")
            done = len(header)
            copy_sql = (f"COPY {RAW} ({', '.join(COLUMNS)}) FROM STDIN "
                        "WITH (FORMAT csv, DELIMITER '|', QUOTE E'\\x01', NULL E'\\x02', ENCODING 'UTF8')")  # fmt: skip
            try:
                with cursor.cursor.copy(copy_sql) as copy:
                    while chunk := stream.read(CHUNK):
                        copy.write(chunk)
                        done += len(chunk)
                        progress.update(done)
            except psycopg.errors.DataError as error:
                raise refused_by_copy(path, error) from None
            finally:
                progress.close()
    with connection.cursor() as cursor:
        # One pass over the raw rows for every count and check; examples only for the checks that fail.
        filters = ", ".join(f"COUNT(*) FILTER (WHERE {condition})" for _, _, condition in CHECKS)
        cursor.execute(
            f"SELECT COUNT(*), COUNT(*) FILTER (WHERE c9 NOT IN ({CODES})), "
            f"COUNT(*) FILTER (WHERE c9 IN ({CODES}) AND c0 = '0'), {filters} FROM {RAW}"
        )
        read, other, adeli, *failures = cursor.fetchone()
        for (reason, column, condition), count in zip(CHECKS, failures, strict=True):
            if not count:
                continue
            cursor.execute(f"SELECT line + 1 FROM {RAW} WHERE {condition} ORDER BY line LIMIT 20")
            for (line,) in cursor.fetchall():
                report.reject(path, line, column, reason)
            report.rejected[reason] = count
    report.read = read
    report.skipped["autre profession"] = other
    if adeli:
        report.skipped["identifiant ADELI (sans RPPS)"] = adeli
    report.kept = read - other - adeli - sum(report.rejected.values())
    return KEPT


def refused_by_copy(path: str, error: psycopg.errors.DataError) -> RefusedFile:
    """COPY stops at the first malformed line; its context says which (counted after the header)."""
    context = error.diag.context or ""
    line_match = re.search(r"line (\d+)", context)
    column_match = re.search(r"column c(\d+)", context)
    line = int(line_match.group(1)) + 1 if line_match else 0
    message = error.diag.message_primary or str(error)
    if "extra data" in message:
        reason, column = "ligne trop longue", fmt.FIELDS
    elif "missing data" in message:
        reason = "ligne tronquée (champs manquants ou « | » final absent)"
        column = int(column_match.group(1)) + 1 if column_match else None
    elif "encoding" in message or "byte sequence" in message:
        reason, column = "encodage invalide (UTF-8 attendu)", bad_byte_column(path, line)
    else:
        reason, column = f"ligne illisible ({message})", None
    return RefusedFile(path, line, column, reason)


def bad_byte_column(path: str, line: int) -> int | None:
    """COPY names the line of an encoding error, not its column: find it in the file."""
    stream, _ = open_binary(path, "PS_LibreAcces_Personne_activite")
    with stream:
        for number, raw in enumerate(stream, start=1):
            if number == line:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    return undecodable_column(raw, error)
                return None
    return None


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(RAW)}")

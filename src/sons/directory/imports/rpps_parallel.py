"""PostgreSQL, plain files: the extract is split into byte ranges parsed by one process per core, each
streaming only the kept columns to the staging table through its own COPY. The line checks are those of
`rpps.check_line`; line numbers are made global once every range has been counted."""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.db import connection

from . import rpps_format as fmt
from .reading import RefusedFile, check_rpps_header, undecodable_column
from .swap import quote

STAGING = "directory_rpps_parallel"
BLOCK = 1 << 20


def ranges(path: str, parts: int) -> tuple[int, list[tuple[int, int]]]:
    """The header's length and `parts` byte ranges that start and end on line boundaries."""
    size = Path(path).stat().st_size
    with open(path, "rb") as stream:
        header = len(stream.readline())
        cuts = [header]
        for k in range(1, parts):
            stream.seek(max(header + (size - header) * k // parts, cuts[-1]))
            stream.readline()
            cuts.append(max(stream.tell(), cuts[-1]))
        cuts.append(size)
    return header, [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t")
    return value


def parse_range(task: tuple[str, int, int, int]) -> dict:
    """In a worker: check every line of the range; COPY the kept rows; count the rest."""
    from .rpps import check_line

    path, chunk, start, end = task
    connection.close()  # the parent's connection is not ours
    skipped, rejected, examples = Counter(), Counter(), []
    lines = 0
    buffer: list[str] = []
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {STAGING} (rpps, profession, mode, savoir_faire, authority, last_name, first_name, structure, "
            "chunk, line) FROM STDIN"
        ) as copy,
        open(path, "rb") as stream,
    ):
        stream.seek(start)
        position = start
        while position < end:
            raw = stream.readline()
            if not raw:
                break
            position += len(raw)
            lines += 1
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                rejected["encodage invalide (UTF-8 attendu)"] += 1
                if len(examples) < 20:
                    examples.append(
                        (lines, undecodable_column(raw, error), "encodage invalide (UTF-8 attendu)")
                    )
                continue
            outcome = check_line(text)
            if outcome[0] == "kept":
                row = outcome[1]
                buffer.append("\t".join(map(_escape, row)) + f"\t{chunk}\t{lines}\n")
                if len(buffer) >= 5000:
                    copy.write("".join(buffer))
                    buffer = []
            elif outcome[0] == "skipped":
                skipped[outcome[1]] += 1
            else:
                _, column, reason = outcome
                rejected[reason] += 1
                if len(examples) < 20:
                    examples.append((lines, column, reason))
        if buffer:
            copy.write("".join(buffer))
    connection.close()
    return {"chunk": chunk, "lines": lines, "skipped": skipped, "rejected": rejected, "examples": examples}


def stage(path: str, report, workers: int | None = None) -> str:
    """Committed staging table (the workers write through their own connections); returns the kept rows' SQL."""
    _, parts = ranges(path, workers or os.cpu_count() or 1)
    with open(path, "rb") as stream:
        check_rpps_header(path, stream.readline().decode("utf-8", errors="replace"))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {STAGING} (rpps text, profession text, mode text, savoir_faire text, "
            "authority text, last_name text, first_name text, structure text, chunk int, line int)"
        )
    connection.close()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
        results = list(pool.map(parse_range, [(path, k, a, b) for k, (a, b) in enumerate(parts)]))
    offsets, total = {}, 1  # line 1 is the header
    for result in sorted(results, key=lambda r: r["chunk"]):
        offsets[result["chunk"]] = total
        total += result["lines"]
        report.skipped.update(result["skipped"])
        report.rejected.update(result["rejected"])
        for line, column, reason in result["examples"]:
            if len(report.examples) < 20:
                name = fmt.COLUMNS[column - 1] if column and column <= len(fmt.COLUMNS) else ""
                where = f"{column} ({name})" if name else column
                report.examples.append(str(RefusedFile(path, offsets[result["chunk"]] + line, where, reason)))
    report.read = total - 1
    report.kept = report.read - sum(report.skipped.values()) - sum(report.rejected.values())
    line = "line + CASE chunk " + " ".join(f"WHEN {k} THEN {o}" for k, o in offsets.items()) + " END"
    return (
        f"(SELECT rpps, profession, mode, savoir_faire, authority, last_name, first_name, structure, {line} AS line "
        f"FROM {STAGING}) AS kept"
    )


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(STAGING)}")

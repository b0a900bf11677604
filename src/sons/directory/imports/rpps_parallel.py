"""PostgreSQL, plain files: the extract is split into byte ranges parsed by one process per core, each
writing through its own COPY. The line checks are those of `rpps_format.check_line`; line numbers are made global
once every range has been counted.

Two ways of writing:
- `persons` (tried first): the extract lists a person's activities on consecutive lines, so each worker folds
  them into one directory row (libéral when one activity is, IPA, Ordre) and COPYs it straight into the new
  directory table; the ranges are cut between persons. A person met twice is caught by the unique index on the
  RPPS, and the load then starts again the general way.
- `stage` (general): every kept activity goes to a staging table, grouped per person in SQL by `rpps.build`.
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import signal
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.db import connection

from . import rpps_format as fmt
from .reading import RefusedFile, check_rpps_header, undecodable_column
from .swap import quote

STAGING = "directory_rpps_parallel"
DUPLICATE = "doublon (même personne, même activité)"


def _key(line: bytes) -> bytes:
    return line.split(b"|", 2)[1] if line.count(b"|") >= 2 else line


def ranges(path: str, parts: int) -> tuple[int, list[tuple[int, int]]]:
    """The header's length and `parts` byte ranges that start on a line where the identifier changes: a
    person's consecutive lines stay in one range."""
    size = Path(path).stat().st_size
    with open(path, "rb") as stream:
        header = len(stream.readline())
        cuts = [header]
        for k in range(1, parts):
            stream.seek(max(header + (size - header) * k // parts, cuts[-1]))
            if stream.tell() > header:
                stream.readline()  # the rest of a line begun before
            person = _key(stream.readline())
            while True:
                position = stream.tell()
                line = stream.readline()
                if not line or _key(line) != person:
                    break
            cuts.append(max(position, cuts[-1]))
        cuts.append(size)
    return header, [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _escape(value: str) -> str:
    if "\\" in value or "\t" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t")
    return value


def _checked(path: str, start: int, end: int, result: dict):
    """(range-local line number, outcome of `check_line`) for each decodable line; counts the rest."""
    skipped, rejected, examples = result["skipped"], result["rejected"], result["examples"]
    lines = 0
    with open(path, "rb") as stream:
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
                reason = "encodage invalide (UTF-8 attendu)"
                rejected[reason] += 1
                if len(examples) < 20:
                    examples.append((lines, undecodable_column(raw, error), reason))
                continue
            outcome = fmt.check_line(text)
            if outcome[0] == "kept":
                yield lines, outcome[1]
            elif outcome[0] == "skipped":
                skipped[outcome[1]] += 1
            else:
                rejected[outcome[2]] += 1
                if len(examples) < 20:
                    examples.append((lines, outcome[1], outcome[2]))
    result["lines"] = lines


class _Writer:
    """Rows to a COPY, in blocks."""

    def __init__(self, copy):
        self.copy, self.buffer = copy, []

    def add(self, row: str) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write("".join(self.buffer))
            self.buffer = []


def stage_range(task: tuple) -> dict:
    """In a worker: every kept activity to the staging table."""
    path, chunk, start, end = task
    connection.close()  # the parent's connection is not ours
    result = {"chunk": chunk, "lines": 0, "skipped": Counter(), "rejected": Counter(), "examples": []}
    columns = "rpps, profession, mode, savoir_faire, authority, last_name, first_name, structure, chunk, line"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {STAGING} ({columns}) FROM STDIN") as copy:
        writer = _Writer(copy)
        for line, row in _checked(path, start, end, result):
            writer.add("\t".join(map(_escape, row)) + f"\t{chunk}\t{line}\n")
        writer.flush()
    connection.close()
    return result


def persons_range(task: tuple) -> dict:
    """In a worker: each person's consecutive activities folded into one row of the new directory table.
    A repeated activity within a person is a duplicate, reported with both lines."""
    path, chunk, start, end, table, updated_at, ipa_codes, ordre_prefixes = task
    connection.close()
    result = {"chunk": chunk, "lines": 0, "skipped": Counter(), "rejected": Counter(), "examples": []}
    ipa_codes, ordre_prefixes = frozenset(ipa_codes), tuple(ordre_prefixes)
    columns = "rpps, last_name, first_name, profession, is_ipa, practice, registered_with_order, updated_at"
    tail = f"\t{updated_at}\n"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        writer = _Writer(copy)
        person = None  # [rpps, last, first, profession, ipa, liberal, salaried, ordre, {activity: line}]

        def flush():
            rpps, last, first, profession, ipa, liberal, salaried, ordre, _ = person
            practice = "liberal" if liberal else ("salaried" if salaried else "other")
            writer.add(
                f"{rpps}\t{_escape(last)}\t{_escape(first)}\t{profession}\t{'t' if ipa else 'f'}\t"
                f"{practice}\t{'t' if ordre else 'f'}{tail}"
            )

        for line, row in _checked(path, start, end, result):
            rpps, profession, mode, savoir_faire, authority, last, first, structure = row
            ipa, ordre = savoir_faire in ipa_codes, authority.startswith(ordre_prefixes)
            activity = (structure, profession, mode, savoir_faire)
            if person is None or person[0] != rpps:
                if person is not None:
                    flush()
                person = [
                    rpps,
                    last,
                    first,
                    profession,
                    ipa,
                    mode == "L",
                    mode == "S",
                    ordre,
                    {activity: line},
                ]
                continue
            if activity in person[8]:
                result["rejected"][DUPLICATE] += 1
                if len(result["examples"]) < 20:
                    result["examples"].append((line, None, ("doublon de la ligne", person[8][activity])))
                continue
            person[8][activity] = line
            person[1], person[2] = max(person[1], last), max(person[2], first)
            person[3] = min(person[3], profession)
            person[4], person[7] = person[4] or ipa, person[7] or ordre
            person[5], person[6] = person[5] or mode == "L", person[6] or mode == "S"
        if person is not None:
            flush()
        writer.flush()
    connection.close()
    return result


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """In each worker: the kernel kills it when the import process dies (kill -9 included), instead of
    leaving it to finish its COPY, then hang, for minutes."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:  # pragma: no cover - Linux only
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _run(path: str, worker, extra: tuple, workers: int | None) -> list[dict]:
    with open(path, "rb") as stream:
        check_rpps_header(path, stream.readline().decode("utf-8", errors="replace"))
    _, parts = ranges(path, workers or os.cpu_count() or 1)
    connection.close()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=len(parts), mp_context=context, initializer=_die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        tasks = [(path, k, a, b, *extra) for k, (a, b) in enumerate(parts)]
        return sorted(pool.map(worker, tasks), key=lambda r: r["chunk"])


def _collect(path: str, results: list[dict], report) -> dict[int, int]:
    """Counts and examples into the report, with global line numbers; returns each range's line offset."""
    offsets, total = {}, 1  # line 1 is the header
    for result in results:
        offsets[result["chunk"]] = total
        total += result["lines"]
        report.skipped.update(result["skipped"])
        report.rejected.update(result["rejected"])
        for line, column, reason in result["examples"]:
            if len(report.examples) >= 20:
                break
            at = offsets[result["chunk"]] + line
            if isinstance(reason, tuple):  # a duplicate names its first line
                reason = f"{reason[0]} {offsets[result['chunk']] + reason[1]}"
            name = fmt.COLUMNS[column - 1] if column and column <= len(fmt.COLUMNS) else ""
            report.examples.append(
                str(RefusedFile(path, at, f"{column} ({name})" if name else column, reason))
            )
    report.read = total - 1
    report.kept = report.read - sum(report.skipped.values()) - sum(report.rejected.values())
    return offsets


def stage(path: str, report, workers: int | None = None) -> str:
    """Committed staging table (the workers write through their own connections); returns the kept rows' SQL."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {STAGING} (rpps text, profession text, mode text, savoir_faire text, "
            "authority text, last_name text, first_name text, structure text, chunk int, line int)"
        )
    offsets = _collect(path, _run(path, stage_range, (), workers), report)
    line = "line + CASE chunk " + " ".join(f"WHEN {k} THEN {o}" for k, o in offsets.items()) + " END"
    return (
        f"(SELECT rpps, profession, mode, savoir_faire, authority, last_name, first_name, structure, {line} AS line "
        f"FROM {STAGING}) AS kept"
    )


def fold_persons(path: str, report, table: str, updated_at, parameters, workers: int | None = None) -> None:
    """Fill `table` (created empty, without indexes) with one row per person, from every core."""
    extra = (quote(table), updated_at.isoformat(), tuple(parameters.ipa_savoir_faire_codes),
             tuple(parameters.ordre_authorities))  # fmt: skip
    _collect(path, _run(path, persons_range, extra, workers), report)


def drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(STAGING)}")

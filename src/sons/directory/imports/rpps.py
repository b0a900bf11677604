"""`sons import rpps FILE [--apply]`: load the RPPS extract into the directory (AF §4.2), atomically.

Kept lines go to a staging table (COPY on PostgreSQL), are grouped per person in SQL (a person with several
activities is libéral when one activity is), compared with the live directory, and swapped in.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sons import clock
from sons.rules import load_parameters

from ..models import Professional
from . import rpps_format as fmt
from . import rpps_parallel, rpps_postgres
from .changes import announce_professionals
from .reading import RefusedFile, check_rpps_header, numbered_lines
from .swap import create_like, create_unindexed_like, drop, import_alone, index_like, quote, swap

STAGING = "directory_rpps_staging"
NEW = "directory_professional_new"
EXAMPLES = 20
CHUNK = 20_000


@dataclass
class Report:
    read: int = 0
    kept: int = 0
    skipped: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    professions: Counter = field(default_factory=Counter)
    persons: int = 0
    diff: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    alerts: int = 0

    def reject(self, path: str, line: int, column: int, reason: str) -> None:
        self.rejected[reason] += 1
        if len(self.examples) < EXAMPLES:
            name = (
                fmt.COLUMNS[column - 1]
                if 0 < column <= len(fmt.COLUMNS)
                else "au-delà de la dernière colonne"
            )
            self.examples.append(str(RefusedFile(path, line, f"{column} ({name})", reason)))

    def lines(self) -> list[str]:
        out = [f"Lignes lues : {self.read} ; retenues : {self.kept} ; écartées : {sum(self.skipped.values())} ; "
               f"rejetées : {sum(self.rejected.values())}."]  # fmt: skip
        out += [f"  écartées — {reason} : {n}" for reason, n in sorted(self.skipped.items())]
        out += [f"  rejetées — {reason} : {n}" for reason, n in sorted(self.rejected.items())]
        out += [f"  {example}" for example in self.examples]
        if self.persons:
            out.append(f"Professionnels retenus : {self.persons}")
            out += [f"  {profession} : {n}" for profession, n in sorted(self.professions.items())]
        if self.diff:
            out.append(
                "Par rapport au chargement précédent : {new} nouveaux, {gone} disparus, {profession} changements de "
                "profession, {practice} changements d'exercice, {ordre} changements d'inscription à l'Ordre.".format(
                    **self.diff
                )
            )
        return out


def stage(path: str, report: Report) -> None:
    """SQLite: read and check every line in Python; write the kept ones to the staging table."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(STAGING)}")
        cursor.execute(
            f"CREATE TABLE {quote(STAGING)} (rpps varchar(11), profession varchar(30), mode varchar(1), "
            "savoir_faire varchar(40), authority varchar(100), last_name varchar(200), first_name varchar(200), "
            "structure varchar(60), line integer)"
        )
    with _insert_writer() as write:
        batch: list[tuple] = []
        for row in _rows(path, report):
            batch.append(row)
            if len(batch) >= CHUNK:
                write(batch)
                batch = []
        if batch:
            write(batch)


def _rows(path: str, report: Report):
    lines = numbered_lines(path, "PS_LibreAcces_Personne_activite", "RPPS")
    first = next(lines, None)
    if first is None:
        raise RefusedFile(path, 1, None, "fichier vide")
    check_rpps_header(path, first[1])
    read = kept = 0
    for number, line in lines:
        read += 1
        outcome = fmt.check_line(line)
        if outcome[0] == "kept":
            kept += 1
            yield (*outcome[1], number)
        elif outcome[0] == "skipped":
            report.skipped[outcome[1]] += 1
        else:
            report.reject(path, number, outcome[1], outcome[2])
    report.read, report.kept = read, kept


@contextmanager
def _insert_writer():
    sql = f"INSERT INTO {quote(STAGING)} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        yield lambda rows: cursor.executemany(sql, rows)


def check_duplicates(path: str, report: Report, source: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(line), MAX(line) FROM {source} GROUP BY rpps, structure, profession, mode, savoir_faire "
            f"HAVING COUNT(*) > 1 ORDER BY MIN(line) LIMIT {EXAMPLES}"
        )
        for first, second in cursor.fetchall():
            report.rejected["doublon (même personne, même activité)"] += 1
            if len(report.examples) < EXAMPLES:
                report.examples.append(str(RefusedFile(path, second, None, f"doublon de la ligne {first}")))


def build(on: date, source: str) -> None:
    p = load_parameters().at(on)
    ipa = ", ".join(f"'{code}'" for code in p.ipa_savoir_faire_codes)
    ordre = " OR ".join(
        f"authority LIKE '{code}%%'" for code in p.ordre_authorities
    )  # %% : a query with parameters
    postgres = connection.vendor == "postgresql"
    if postgres:
        create_unindexed_like(Professional, NEW)
    else:
        create_like(Professional, NEW)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(NEW)} (rpps, last_name, first_name, profession, is_ipa, practice, "
            "registered_with_order, updated_at) "
            "SELECT rpps, MAX(last_name), MAX(first_name), MIN(profession), "
            f"MAX(CASE WHEN savoir_faire IN ({ipa}) THEN 1 ELSE 0 END) = 1, "
            "CASE WHEN MAX(CASE WHEN mode = 'L' THEN 1 ELSE 0 END) = 1 THEN 'liberal' "
            "WHEN MAX(CASE WHEN mode = 'S' THEN 1 ELSE 0 END) = 1 THEN 'salaried' ELSE 'other' END, "
            f"MAX(CASE WHEN {ordre} THEN 1 ELSE 0 END) = 1, %s "
            f"FROM {source} GROUP BY rpps",
            [now],
        )
    if postgres:
        index_like(Professional, NEW)


DIFF_SQL = {
    "new": "SELECT COUNT(*) FROM {new} n LEFT JOIN {live} o ON o.rpps = n.rpps WHERE o.rpps IS NULL",
    "gone": "SELECT COUNT(*) FROM {live} o LEFT JOIN {new} n ON n.rpps = o.rpps WHERE n.rpps IS NULL",
    "profession": "SELECT COUNT(*) FROM {live} o JOIN {new} n ON n.rpps = o.rpps WHERE n.profession <> o.profession OR n.is_ipa <> o.is_ipa",
    "practice": "SELECT COUNT(*) FROM {live} o JOIN {new} n ON n.rpps = o.rpps WHERE n.practice <> o.practice",
    "ordre": "SELECT COUNT(*) FROM {live} o JOIN {new} n ON n.rpps = o.rpps WHERE n.registered_with_order <> o.registered_with_order",
}


def compare(report: Report) -> None:
    names = {"new": quote(NEW), "live": quote(Professional._meta.db_table)}
    with connection.cursor() as cursor:
        for key, sql in DIFF_SQL.items():
            cursor.execute(sql.format(**names))
            report.diff[key] = cursor.fetchone()[0]
        cursor.execute(f"SELECT profession, COUNT(*) FROM {quote(NEW)} GROUP BY profession")
        report.professions = Counter(dict(cursor.fetchall()))
        report.persons = sum(report.professions.values())


def import_rpps(path: str, *, apply: bool = False, on: date | None = None) -> Report:
    """Check and stage the file, build the new directory, compare; swap it in only with `apply`. One import
    at a time (ImportBusy otherwise)."""
    with import_alone():
        return _import_rpps(path, apply, on or clock.today())


def _import_rpps(path: str, apply: bool, on: date) -> Report:
    # On PostgreSQL a plain file is parsed on every core (outside any transaction: the workers have their own
    # connections); a zip, or a caller's open transaction, uses one COPY instead.
    parallel = (
        connection.vendor == "postgresql" and not zipfile.is_zipfile(path) and not connection.in_atomic_block
    )
    if parallel:
        try:
            return _import_persons(path, apply, on)
        except _PersonsNotConsecutive:
            pass  # a person's activities are scattered: group them in SQL
    report = Report()
    # One transaction: on any refusal everything is rolled back, and the live directory is only ever replaced
    # by the final swap.
    try:
        if parallel:  # staged outside the transaction: the workers write through their own connections
            source = rpps_parallel.stage(path, report)
        with transaction.atomic():
            if parallel:
                pass  # already staged
            elif connection.vendor == "postgresql":
                source = rpps_postgres.stage(path, report)
            else:
                stage(path, report)
                source = quote(STAGING)
            check_duplicates(path, report, source)
            _refuse_if_rejected(path, report)
            build(on, source)
            _finish(report, apply, on)
            drop(STAGING)
            rpps_postgres.drop()
            drop(NEW)
    finally:
        if parallel:
            rpps_parallel.drop()
    return report


class _PersonsNotConsecutive(Exception):
    pass


def _import_persons(path: str, apply: bool, on: date) -> Report:
    """PostgreSQL fast path: the workers write the new directory itself, one row per person; its unique index
    on the RPPS proves that no person was met twice, else the caller groups in SQL."""
    report = Report()
    create_unindexed_like(Professional, NEW)
    try:
        rpps_parallel.fold_persons(path, report, NEW, timezone.now(), load_parameters().at(on))
        with transaction.atomic():
            _refuse_if_rejected(path, report)
            try:
                with transaction.atomic():
                    index_like(Professional, NEW)
            except IntegrityError:
                raise _PersonsNotConsecutive from None
            _finish(report, apply, on)
    finally:
        drop(NEW)
    return report


def _refuse_if_rejected(path: str, report: Report) -> None:
    if report.rejected:
        error = RefusedFile(path, 0, None, f"{sum(report.rejected.values())} ligne(s) rejetée(s)")
        error.details = report.lines()
        raise error


def _finish(report: Report, apply: bool, on: date) -> None:
    """Compare the new directory with the live one; with `apply`, alert open dossiers and swap it in."""
    compare(report)
    if apply:
        report.alerts = announce_professionals(quote(NEW), on)
        swap(Professional, NEW)
        report.applied = True

"""Reading an import file: plain or zipped, strictly UTF-8, line by line, with a progress bar on a terminal."""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path


class RefusedFile(Exception):
    """The file is refused as a whole; the previous data stay. The message names file, line and column."""

    def __init__(self, path: str, line: int, column: int | str | None, reason: str):
        where = (
            f"fichier {Path(path).name}"
            + (f", ligne {line}" if line else "")
            + (f", colonne {column}" if column else "")
        )
        super().__init__(f"{where} : {reason}")
        self.path, self.line, self.column, self.reason = path, line, column, reason
        self.details: list[str] = []


class Progress:
    """A progress bar on stderr when it is a terminal; silent in pipes."""

    def __init__(self, total: int, label: str, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() and total > 0
        self.total, self.label, self.shown = total, label, -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        percent = done * 100 // self.total
        if percent != self.shown:
            self.shown = percent
            bar = "█" * (percent // 4) + "·" * (25 - percent // 4)
            self.stream.write(f"\r{self.label} {bar} {percent:3d} %")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def undecodable_column(raw: bytes, error: UnicodeDecodeError) -> int:
    """The `|`-separated column holding the first byte that is not UTF-8."""
    return raw[: error.start].count(b"|") + 1


def check_rpps_header(path: str, first_line: str) -> None:
    """Refuse a file whose first line is not the RPPS extract's header, naming the first column that differs."""
    from .rpps_format import COLUMNS, HEADER

    text = first_line.rstrip("\r\n").lstrip("\ufeff")
    if text != HEADER:
        got = text.split("|")
        column = next((i + 1 for i, (a, b) in enumerate(zip(got, COLUMNS, strict=False)) if a != b), len(got))
        raise RefusedFile(
            path, 1, column, "en-tête inattendu : ce n'est pas l'extrait « Personne activité » du RPPS"
        )


def open_binary(path: str, member_prefix: str) -> tuple[io.BufferedIOBase, int]:
    """The extract itself, or the member of a zip whose name starts with `member_prefix`; and its size."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if Path(m.filename).name.startswith(member_prefix)]
        if not members:
            raise RefusedFile(path, 0, None, f"l'archive ne contient pas de fichier « {member_prefix}… »")
        return archive.open(members[0]), members[0].file_size
    return open(path, "rb"), Path(path).stat().st_size


def numbered_lines(path: str, member_prefix: str, label: str) -> Iterator[tuple[int, str]]:
    """(line number, text without its end of line); bad UTF-8 refuses the file at its line and column."""
    stream, size = open_binary(path, member_prefix)
    progress = Progress(size, label)
    done = 0
    with stream:
        for number, raw in enumerate(stream, start=1):
            done += len(raw)
            if number % 20_000 == 0:
                progress.update(done)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                column = undecodable_column(raw, error)
                raise RefusedFile(path, number, column, "encodage invalide (UTF-8 attendu)") from None
            yield number, text.rstrip("\r\n")
    progress.update(size)
    progress.close()

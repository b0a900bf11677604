"""The text of an uploaded PDF, read in a process of its own under a time and a memory limit.

A PDF can hold megabytes of text operators in a few kilobytes (compressed): reading them took 44 s of a web
worker. The reading runs here, in a child process started by a job worker (`sons.documents.tasks`), with
RLIMIT_AS (memory) and RLIMIT_CPU (time) set by the child itself before it reads a byte, and a wall-clock
timeout in the parent. A child killed or out of time gives `TextUnavailable`, never a blocked worker.

    python -m sons.documents.extract --seconds 20 --memory-mb 512 < file.pdf > text.json
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys

from django.conf import settings

# An order or an invoice is one or two pages; reading more only costs time on a hostile file.
MAX_PAGES_READ = 30


class TextUnavailable(Exception):
    """The text could not be read within the limits (French message)."""


def read_text_limited(content: bytes, seconds: float | None = None, memory_mb: int | None = None) -> str:
    seconds = seconds or settings.SONS_PDF_CHECK_SECONDS
    memory_mb = memory_mb or settings.SONS_PDF_CHECK_MEMORY_MB
    command = [
        sys.executable,
        "-m",
        "sons.documents.extract",
        "--seconds",
        str(seconds),
        "--memory-mb",
        str(memory_mb),
    ]
    try:
        done = subprocess.run(command, input=content, capture_output=True, timeout=seconds + 2)
    except subprocess.TimeoutExpired:
        raise TextUnavailable("temps imparti dépassé") from None
    if done.returncode != 0:
        raise TextUnavailable("lecture interrompue (mémoire ou temps imparti dépassé)")
    return json.loads(done.stdout)["text"]


def limit(seconds: float, memory_mb: int) -> None:
    cpu = max(1, int(seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def extract(content: bytes) -> str:
    import io
    import warnings

    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about every oddity of real-world files
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        return "\n".join((page.extract_text() or "") for page in list(reader.pages)[:MAX_PAGES_READ])


def out_of_memory(error: BaseException) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, MemoryError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args()
    # The reader's code is loaded before the limits: under a small address-space limit, loading a module can fail
    # (an ImportError, not a MemoryError) and would pass for an unreadable file. The limits bound the reading.
    import pypdf  # noqa: F401

    content = sys.stdin.buffer.read()
    limit(args.seconds, args.memory_mb)
    try:
        text = extract(content)
    except MemoryError:
        return 3  # over the memory limit: the parent says « illisible dans le temps imparti »
    except Exception as error:  # unreadable: the parent's check finds no text and says so
        if out_of_memory(error):
            return 3  # a MemoryError that the reader wrapped in its own exception
        text = ""
    sys.stdout.write(json.dumps({"text": text}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Reading text pulled out of a PDF: one normal form for comparisons, and the euro amounts it shows.

Text extraction loses layout: words are split across lines, spaces doubled or dropped, quotes and
apostrophes vary (' ’ ‘ ʼ), « l'Etat » is written « l'État ». Comparisons are therefore made on a
compact form: accents stripped, case folded, typographic variants unified and every space removed.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from sons.rules.money import to_cents

TYPOGRAPHIC = str.maketrans(
    {
        "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
        "«": '"', "»": '"', "“": '"', "”": '"',
        "–": "-", "—": "-", "‑": "-", "‐": "-",
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae",
    }
)  # fmt: skip
SPACES = re.compile(r"\s+")


def compact(text: str) -> str:
    """`text` without accents, case, typographic variants or spaces: the form mentions are sought in."""
    decomposed = unicodedata.normalize("NFKD", text.translate(TYPOGRAPHIC))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return SPACES.sub("", bare.casefold())


def literal(text: str) -> str:
    """A pattern matching `text` in compact form."""
    return re.escape(compact(text))


# « 1 890,00 », « 1890.00 », « 1.890,00 », « 270,00 € », « 270 € », « 270 EUR ».
GROUPED = r"\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+"
AMOUNT = re.compile(
    rf"(?<![\d.,])(?P<units>{GROUPED}|\d+)(?:[.,](?P<cents>\d{{2}})(?!\d)|(?=\s*(?:€|eur)))",
    re.IGNORECASE,
)


def amounts(text: str) -> set[Decimal]:
    """Every euro amount written in `text` (with cents, or whole euros followed by € or EUR)."""
    found = set()
    for match in AMOUNT.finditer(text):
        units = re.sub(r"\D", "", match["units"])
        found.add(to_cents(Decimal(f"{units}.{match['cents'] or '00'}")))
    return found

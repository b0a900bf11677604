"""Bar charts drawn on the server as inline SVG: no JavaScript, nothing downloaded.

Each chart is an image with a title and a description (read by screen readers); the page follows it with a
table of the same figures, the accessible form of the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
LABEL_WIDTH = 260
VALUE_WIDTH = 130
ROW_HEIGHT = 28
BAR_HEIGHT = 18
PADDING = 8
BAR_COLOUR = "#000091"  # DSFR « bleu France »: contrast 15:1 on white
TEXT_COLOUR = "#161616"
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int


def _shorten(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    title: str, bars: Sequence[Bar], formatter: Callable[[Decimal | int], str] = str, description: str = ""
) -> SafeString:
    """A horizontal bar chart; bars are scaled to the largest value (an empty chart says so)."""
    uid = f"graphique-{next(_ids)}"
    height = PADDING * 2 + max(len(bars), 1) * ROW_HEIGHT
    largest = max((bar.value for bar in bars), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    summary = description or "; ".join(f"{bar.label} : {formatter(bar.value)}" for bar in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sons-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{uid}-titre {uid}-desc" focusable="false">',
        f'<title id="{uid}-titre">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(summary or "Aucune donnée.")}</desc>',
    ]
    if not bars:
        parts.append(
            f'<text x="{PADDING}" y="{PADDING + ROW_HEIGHT // 2 + 5}" fill="{TEXT_COLOUR}" '
            f'font-size="14">Aucune donnée.</text>'
        )
    for index, bar in enumerate(bars):
        top = PADDING + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT // 2 + 5
        length = round(span * float(bar.value) / float(largest), 1) if bar.value > 0 else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - PADDING}" y="{middle}" text-anchor="end" fill="{TEXT_COLOUR}" '
            f'font-size="13">{escape(_shorten(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{top + (ROW_HEIGHT - BAR_HEIGHT) // 2}" width="{length}" '
            f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" fill="{TEXT_COLOUR}" '
            f'font-size="13">{escape(formatter(bar.value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))

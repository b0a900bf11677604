"""The page furniture shared by every model: an embedded Unicode font, a header, a footer, a few blocks.

The font is Spectral (SIL Open Font License), shipped in django-dsfr's static files: embedding it keeps
French text (é, ç, œ, « », ’, €) exact when a PDF reader or pypdf extracts it back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources

from fpdf import FPDF

from sons.rules.money import to_cents

FONT = "Spectral"
FONT_DIR = resources.files("dsfr") / "static" / "dsfr" / "dist" / "fonts"
LINE = 5.2
# Spectral has no narrow no-break space; a no-break space reads the same once extracted.
UNSUPPORTED = str.maketrans({"\u202f": "\u00a0"})


def clean(text: str) -> str:
    return text.translate(UNSUPPORTED)


class ModelPdf(FPDF):
    """An A4 model to sign, titled, dated by its data (never by the clock: same dossier, same bytes)."""

    def __init__(self, title: str, reference: str, dated: date, author: str):
        super().__init__(format="A4")
        self.model_title = title
        self.reference = reference
        self.set_creation_date(datetime(dated.year, dated.month, dated.day, tzinfo=UTC))
        self.set_title(title)
        self.set_author(author)
        self.set_subject("Ségur numérique — SONS SFP-LGC-Va2")
        self.set_lang("fr")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=20)
        self.add_font(FONT, "", str(FONT_DIR / "Spectral-Regular.woff"))
        self.add_font(FONT, "B", str(FONT_DIR / "Spectral-ExtraBold.woff"))
        self.add_page()

    def header(self):
        self.set_font(FONT, "", 8)
        self.cell(0, 4, "Ségur numérique — SONS SFP-LGC-Va2", new_x="LMARGIN")
        self.cell(0, 4, clean(self.reference), align="R", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.cell(0, 4, f"Modèle établi selon l'AF-SFP-LGC-Va2 — page {self.page_no()}/{{nb}}", align="C")

    # Blocks.

    def title_block(self, subtitle: str = "") -> None:
        self.set_font(FONT, "B", 17)
        self.multi_cell(0, 8, clean(self.model_title), new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(FONT, "", 10)
            self.multi_cell(0, LINE, clean(subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.multi_cell(0, 6, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)

    def paragraph(self, text: str) -> None:
        self.set_font(FONT, "", 10)
        self.multi_cell(0, LINE, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def field(self, label: str, value: str) -> None:
        self.paragraph(f"{label} : {value}")

    def boxed(self, text: str) -> None:
        """A mention the AF imposes word for word, framed so that it cannot be missed."""
        self.ln(1)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, LINE, clean(text), border=1, padding=2, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.ln(2)

    def checklist(self, items: list[tuple[str, bool]]) -> None:
        self.set_font(FONT, "", 10)
        for text, ticked in items:
            if self.will_page_break(2 * LINE):
                self.add_page()
            x, y = self.l_margin, self.get_y()
            self.rect(x, y + 0.9, 3.4, 3.4)
            if ticked:
                self.line(x + 0.6, y + 1.5, x + 2.8, y + 3.7)
                self.line(x + 2.8, y + 1.5, x + 0.6, y + 3.7)
            self.set_x(x + 6)
            self.multi_cell(0, LINE, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def amounts_table(self, rows: list[tuple[str, str]], emphasis: int | None = None) -> None:
        width = self.epw
        self.set_font(FONT, "B", 10)
        self.cell(width * 0.7, 7, "Désignation", border=1)
        self.cell(width * 0.3, 7, "Montant", border=1, align="R", new_x="LMARGIN", new_y="NEXT")
        for index, (label, amount) in enumerate(rows):
            self.set_font(FONT, "B" if index == emphasis else "", 10)
            self.cell(width * 0.7, 7, clean(label), border=1)
            self.cell(width * 0.3, 7, clean(amount), border=1, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)
        self.ln(2)

    def signature(self, label: str, dated: str) -> None:
        if self.will_page_break(32):
            self.add_page()
        self.paragraph(f"Date : {dated}")
        self.paragraph(label)
        self.rect(self.l_margin, self.get_y(), self.epw * 0.6, 22)
        self.ln(25)


def vat_breakdown(amount: Decimal, rate: str | None) -> tuple[Decimal, Decimal]:
    """(amount before tax, tax) for an amount including `rate` % of VAT; no tax without a rate."""
    if rate in (None, "0"):
        return amount, Decimal("0.00")
    before_tax = to_cents(amount / (1 + Decimal(rate) / 100))
    return before_tax, amount - before_tax

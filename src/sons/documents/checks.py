"""Checks of an uploaded document against its dossier: the mandatory mentions and the amount (AF §4.3, §4.4).

`check_text(kind, dossier, text)` returns findings (French message, AF section, severity) on a document's
text; an upload's text is read by a job worker under limits (`tasks.check_document`, `extract`).
`check_upload(kind, dossier, content)` does both in this process, for trusted files (our own models, tests).
`open_pdf` raises `UnreadablePdf` when the file is not a PDF pypdf can open. The findings inform the
instructor: the decision stays with the rules engine, which judges the supplier's declarations.
"""

from __future__ import annotations

import io
import warnings
from decimal import Decimal

from pypdf import PdfReader

from sons.dossiers.models import Dossier
from sons.rules.core import BLOCKING, WARNING
from sons.rules.money import euros_fr

from .context import context_for
from .mentions import Mention, mentions_for
from .text import amounts, compact

# kind: (model whose mentions are sought, « absente … », « figurer … », AF section)
CHECKED_KINDS = {
    "order": ("order", "du bon de commande", "sur le bon de commande", "4.3"),
    "invoice": ("invoice", "de la facture", "sur la facture", "4.4"),
}
# An order or an invoice is one or two pages; reading more only costs time on a hostile file.
MAX_PAGES_READ = 30
# Fewer letters than this and the PDF is taken for a scan (an image of the document).
MIN_TEXT_CHARS = 20


class UnreadablePdf(Exception):
    """The file cannot be opened as a PDF (the message is French, for the `file` field)."""


def finding(code: str, message: str, section: str, severity: str = BLOCKING) -> dict:
    return {"code": code, "message": message, "section": section, "severity": severity}


def open_pdf(content: bytes) -> PdfReader:
    """The PDF opened (its structure, not its pages' content); raises UnreadablePdf for a corrupt, locked or
    empty file."""
    try:
        with warnings.catch_warnings():
            # pypdf warns about every oddity of real-world files; they are not the supplier's concern.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnreadablePdf("PDF protégé par un mot de passe : déposez une version non protégée.")
            if len(reader.pages) == 0:
                raise UnreadablePdf("Le PDF ne contient aucune page.")
            return reader
    except UnreadablePdf:
        raise
    except Exception as error:  # any parser failure on untrusted bytes means « unreadable », never a 500
        raise UnreadablePdf("Fichier PDF illisible ou endommagé : il ne peut pas être ouvert.") from error


def read_text(content: bytes) -> str:
    """The text of the PDF's first pages, read here (trusted files only: uploads go through `extract`)."""
    reader = open_pdf(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return "\n".join((page.extract_text() or "") for page in list(reader.pages)[:MAX_PAGES_READ])


def timed_out(kind: str) -> list[dict]:
    """The finding of a document whose text could not be read within the worker's limits."""
    _, of_document, _, section = CHECKED_KINDS[kind]
    return [
        finding(
            "unreadable_in_time",
            f"Document illisible dans le temps imparti : les mentions obligatoires {of_document} n'ont pas pu "
            "être vérifiées automatiquement ; une vérification visuelle est nécessaire.",
            section,
            WARNING,
        )
    ]


def check_text(kind: str, dossier: Dossier, text: str) -> list[dict]:
    """Findings on an order or an invoice whose text is `text` (other kinds: none)."""
    if kind not in CHECKED_KINDS:
        return []
    model, of_document, on_document, section = CHECKED_KINDS[kind]
    if len("".join(text.split())) < MIN_TEXT_CHARS:
        return [
            finding(
                "no_text",
                f"Aucun texte lisible dans le document (numérisation ?) : les mentions obligatoires {of_document} "
                "n'ont pas pu être vérifiées automatiquement ; une vérification visuelle est nécessaire.",
                section,
                WARNING,
            )
        ]
    found = compact(text)
    read = amounts(text)
    findings = []
    for mention in mentions_for(model, context_for(dossier)):
        if mention.code == "segur_amount":
            findings.extend(amount_findings(mention, read, on_document))
        elif mention.pattern is not None and not mention.present_in(found):
            findings.append(
                finding(
                    mention.code,
                    f"Mention obligatoire absente {of_document} : {mention.label}.",
                    mention.section,
                )
            )
    return findings


def amount_findings(mention: Mention, read: set[Decimal], on_document: str) -> list[dict]:
    expected = mention.amount
    if expected is None or expected <= 0:
        return [
            finding(
                "segur_amount",
                f"Le montant de la Prestation Ségur du dossier est nul ou inconnu : il doit figurer {on_document}, "
                "dont le total ne peut apparaître égal à zéro.",
                mention.section,
            )
        ]
    if expected in read:
        return []
    shown = ", ".join(euros_fr(amount) for amount in sorted(read)[:5]) or "aucun"
    return [
        finding(
            "segur_amount",
            f"Le montant de la Prestation Ségur du dossier ({euros_fr(expected)}) ne figure pas {on_document} "
            f"(montants lus : {shown}).",
            mention.section,
        )
    ]


def check_upload(kind: str, dossier: Dossier, content: bytes) -> list[dict]:
    """Open a trusted PDF (UnreadablePdf if it cannot be) and check it when it is an order or an invoice."""
    if kind not in CHECKED_KINDS:
        open_pdf(content)
        return []
    return check_text(kind, dossier, read_text(content))

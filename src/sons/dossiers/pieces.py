"""The pieces the AF requires with each request: the copy of the signed order with the advance request (§6.2),
the invoice and the VA with the balance request (§6.4). The request's form is the declaration itself. Filing is
refused while a required piece is missing (`require`): the portal and the API alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from sons.errors import MissingPiece

from .enums import DocumentKind
from .models import Dossier


@dataclass(frozen=True)
class Piece:
    kind: str
    label: str
    section: str


FORMS = {
    "advance": "Formulaire de demande de financement et de versement de l'avance (les données déclarées)",
    "balance": "Formulaire de demande de versement du solde (les données déclarées)",
}
REQUIRED = {
    "advance": (
        Piece(
            DocumentKind.ORDER, "Copie du bon de commande de la Prestation Ségur signé par le Client", "6.2"
        ),
    ),
    "balance": (
        Piece(DocumentKind.INVOICE, "Copie de la facture émise à l'attention du Client", "6.4"),
        Piece(
            DocumentKind.VA,
            "Attestation de Vérification d'aptitude (VA) signée par un représentant du Client",
            "6.4",
        ),
    ),
}
SECTIONS = {"advance": "6.2", "balance": "6.4"}


@dataclass
class PieceRow:
    piece: Piece
    documents: list = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.documents)

    @property
    def label(self) -> str:
        return self.piece.label

    @property
    def section(self) -> str:
        return self.piece.section


def checklist(dossier: Dossier, request: str, documents=None) -> list[PieceRow]:
    """Each piece `request` ("advance" or "balance") requires, with the dossier's documents of its kind."""
    documents = list(dossier.documents.order_by("at", "pk")) if documents is None else list(documents)
    return [PieceRow(piece, [d for d in documents if d.kind == piece.kind]) for piece in REQUIRED[request]]


def missing(dossier: Dossier, request: str) -> list[Piece]:
    return [row.piece for row in checklist(dossier, request) if not row.present]


def require(dossier: Dossier, request: str) -> None:
    """Refuse the filing while a piece the AF requires is missing (MissingPiece names them)."""
    absent = missing(dossier, request)
    if absent:
        names = " ; ".join(f"{piece.label} (AF §{piece.section})" for piece in absent)
        raise MissingPiece(
            f"Dépôt impossible : pièce(s) obligatoire(s) manquante(s) — {names}. Joignez-la (les) au dossier "
            "puis déposez.",
            "documents",
            missing=[piece.kind for piece in absent],
        )

"""The pieces the AF requires with each request: the copy of the signed order with the advance request (§6.2),
the invoice and the VA with the balance request (§6.4). The request's form is the declaration itself. Filing a
draft is refused while a required piece is missing (`require`): the portal and the API alike. The direct filing
doors (a dossier filed without draft, the bulk filings, the CLI) file first and join the PDFs after; so the
instructor's validation, which leads to the payment, is refused too while one is missing (`require_to_validate`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from sons.errors import MissingPiece

from .enums import DocumentKind
from .enums import DossierState as S
from .models import Document, Dossier


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
# The request the instructor decides on, or waits the completion of, in each state: its pieces are the ones its
# validation requires.
UNDER_INSTRUCTION = {S.ADVANCE_FILED: "advance", S.ADVANCE_TO_COMPLETE: "advance", S.BALANCE_FILED: "balance",
                     S.BALANCE_TO_COMPLETE: "balance"}  # fmt: skip


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


def missing(dossier: Dossier, request: str, documents=None) -> list[Piece]:
    """The pieces `request` requires that the dossier lacks (`documents`: its documents, when already read)."""
    return [row.piece for row in checklist(dossier, request, documents) if not row.present]


def named(absent: list[Piece]) -> str:
    """« Copie du bon de commande … (AF §6.2) ; … »: the missing pieces as a sentence names them."""
    return " ; ".join(f"{piece.label} (AF §{piece.section})" for piece in absent)


def _refuse_without_pieces(dossier: Dossier, request: str, refused: str, advice: str) -> None:
    absent = missing(dossier, request)
    if absent:
        raise MissingPiece(
            f"{refused} : pièce(s) obligatoire(s) manquante(s) — {named(absent)}. {advice}",
            "documents",
            missing=[piece.kind for piece in absent],
        )


def require(dossier: Dossier, request: str) -> None:
    """Refuse the filing while a piece the AF requires is missing (MissingPiece names them)."""
    _refuse_without_pieces(dossier, request, "Dépôt impossible", "Joignez-la (les) au dossier puis déposez.")


def require_to_validate(dossier: Dossier, request: str) -> None:
    """§6.2: « L'ASP procède aux contrôles de conformité […] puis procède au paiement […] si celle-ci est jugée
    conforme. Dans le cas contraire, l'ASP notifie le Fournisseur […] en l'invitant à modifier ou à compléter sa
    demande. » A request without a piece the AF requires with it (§6.2, §6.4) is not conforming: its validation,
    which leads to the payment, is refused (MissingPiece names the pieces); the instructor asks for a completion."""
    _refuse_without_pieces(
        dossier, request, "Validation impossible", "Demandez un complément au Fournisseur."
    )


def missing_under_instruction(dossier: Dossier, documents=None) -> list[Piece]:
    """The pieces the request under instruction lacks (none in the other states): what stops its validation."""
    request = UNDER_INSTRUCTION.get(dossier.state)
    return missing(dossier, request, documents) if request else []


def _joined(kind: str) -> Exists:
    """A document of `kind` is joined to the dossier of the outer query (one subquery, no query per dossier)."""
    return Exists(Document.objects.filter(dossier=OuterRef("pk"), kind=kind))


def with_order_missing(dossiers):
    """`dossiers` (a queryset) annotated `order_missing`: an advance request under instruction without the copy of
    its signed order (§6.2) — one subquery, no query per dossier (the instructor's queue)."""
    states = [state for state, request in UNDER_INSTRUCTION.items() if request == "advance"]
    lacking = When(~_joined(DocumentKind.ORDER), state__in=states, then=Value(True))
    return dossiers.annotate(order_missing=Case(lacking, default=Value(False), output_field=BooleanField()))


# The request each validated state pays (sons.payments.actions): its pieces must be joined to the dossier.
PAID_REQUEST = {S.ADVANCE_VALIDATED: "advance", S.BALANCE_VALIDATED: "balance"}


def joined_to_pay() -> Q:
    """The validated requests whose pieces are all joined: the only ones a payment batch takes. A request
    validated before its validation required them (or whose piece went missing since) waits for them: it is
    never paid without the pieces §6.2 and §6.4 require with it."""
    condition = Q()
    for state, request in PAID_REQUEST.items():
        joined = Q(state=state)
        for piece in REQUIRED[request]:
            joined &= _joined(piece.kind)
        condition |= joined
    return condition

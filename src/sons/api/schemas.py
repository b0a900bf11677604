"""The API's input and output shapes (OpenAPI at /api/openapi.json). A supplier's declarations are not here:
they are the contract's (sons.dossiers.declaration, `sons schema`), read by the domain for every door; their
JSON Schema documents the routes that take them (routes/dossiers.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator


def no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail on write.
    if "\x00" in value:
        raise ValueError("caractère NUL interdit")
    return value


Clean = AfterValidator(no_nul)
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=0)]
Identifier = Annotated[int, Field(ge=1, le=2**62)]
Text = Annotated[str, Field(max_length=5000), Clean]


class ReasonIn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=5000), Clean]


class DecisionIn(Schema):
    dossier_ids: Annotated[list[Identifier], Field(min_length=1, max_length=5000)]
    decision: Literal["validate", "reject", "request_completion"]
    message: Text = ""


class PilotClientIn(Schema):
    dossier_id: Identifier
    pv_signed: bool


class PilotIn(Schema):
    solution_version_id: Identifier
    clients: Annotated[list[PilotClientIn], Field(max_length=50)]
    training_materials_sent: bool


class PilotDecisionIn(Schema):
    decision: Literal["validate", "refuse"]
    reason: Text = ""


class ReferencingIn(Schema):
    decision: Literal["grant", "refuse"]


class WithdrawalIn(Schema):
    dossiers: Annotated[int, Field(ge=0, le=2**31)]
    paid: Amount


class RepaymentIn(Schema):
    amount: Annotated[Decimal, Field(max_digits=12, decimal_places=2, gt=0)]


class FindingOut(Schema):
    rule: str
    section: str
    severity: str
    message: str


class AmountsOut(Schema):
    cap: str | None
    financed: str | None
    advance: str | None
    balance: str | None
    paid_advance: str
    paid_balance: str
    recovered: str


class DeadlineOut(Schema):
    name: str
    date: date


class DossierOut(Schema):
    id: int
    state: str
    state_label: str
    client_kind: str
    rpps: str
    finess_geo: str
    solution_version_id: int
    decision: str
    findings: list[FindingOut]
    amounts: AmountsOut
    advance_filed_on: date | None
    balance_filed_on: date | None
    next_deadline: DeadlineOut | None


class TransitionOut(Schema):
    name: str
    from_state: str
    to_state: str
    actor: str
    at: str
    reason: str


class MessageOut(Schema):
    kind: str
    author: str
    body: str
    at: str


class ThreadMessageOut(Schema):
    id: int
    kind: str = Field(description="completion_request, answer, decision ou message")
    author: str
    body: str
    at: datetime
    from_supplier: bool
    due_on: date | None = Field(None, description="réponse attendue au plus tard le (demande de complément)")
    read_at: datetime | None = Field(None, description="lu par l'autre partie le (accusé de lecture)")
    document_id: int | None = Field(
        None, description="la pièce PDF jointe (GET /dossiers/{id}/documents/{document_id})"
    )


class DossierDetailOut(DossierOut):
    deadlines: dict[str, date]
    history: list[TransitionOut]
    messages: list[MessageOut]


class ErrorOut(Schema):
    message: str
    field: str | None = None


class BulkItemOut(Schema):
    index: int
    line: int = Field(description="ligne du corps où commence le dossier")
    status: Literal["filed", "draft", "refused"]
    id: int | None = None
    state: str | None = None
    decision: str | None = None
    error: ErrorOut | None = None


class BulkOut(Schema):
    filed: int
    refused: int
    items: list[BulkItemOut]


class DecisionItemOut(Schema):
    id: int
    status: Literal["ok", "error"]
    state: str | None = None
    message: str | None = None


class BatchOut(Schema):
    id: int
    state: str
    total: str
    payments: int


class RecoveryOut(Schema):
    id: int
    dossier_id: int
    ground: str
    state: str
    amount: str
    opened_on: date
    formal_notice_sent_on: date | None
    repayment_ordered_on: date | None


class ImpactOut(Schema):
    dossiers: int
    paid: str


class PilotOut(Schema):
    id: int
    state: str
    solution_version_id: int
    findings: list[dict]


class DocumentFindingOut(Schema):
    code: str
    message: str
    section: str = Field(description="section de l'AF-SFP-LGC-Va2")
    severity: Literal["blocking", "warning", "info"]


class DocumentOut(Schema):
    id: int
    kind: str
    name: str
    sha256: str
    size: int
    findings: list[DocumentFindingOut] = Field(
        [], description="constats du contrôle du document (mentions obligatoires, montant)"
    )
    check_state: Literal["pending", "done", "timed_out"] = Field(
        "done",
        description="contrôle du bon de commande ou de la facture : pending (en cours, quelques secondes), "
        "done (fait), timed_out (texte illisible dans le temps imparti : constat unreadable_in_time)",
    )

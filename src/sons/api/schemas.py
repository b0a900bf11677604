"""The API's input and output shapes (OpenAPI at /api/openapi.json). A supplier's declarations are not here:
they are the contract's (sons.dossiers.declaration, `sons schema`), read by the domain for every door; their
JSON Schema documents the routes that take them (routes/dossiers.py)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from sons.dossiers.enums import ClientKind, DocumentKind, DossierState, MessageKind, PilotState
from sons.errors import CODES
from sons.payments.enums import BatchState
from sons.recoveries.enums import RecoveryGround
from sons.rules import codes

AMOUNT_PATTERN = r"^-?\d+\.\d{2}$"


def labelled(pairs, description: str = "") -> str:
    """A description listing each code with its French label."""
    return (
        (description + " " if description else "")
        + "Valeurs : "
        + " ; ".join(f"`{code}` : {label}" for code, label in pairs)
        + "."
    )


def choice(choices, description: str = "", *, blank: bool = False):
    """A string among the codes of a Django choices class or a rules' CodeList, documented as an enum with each
    code's French label (`blank`: the empty string too, « pas encore évalué »)."""
    pairs = list(choices.choices)
    values = [code for code, _ in pairs] + ([""] if blank else [])
    return Annotated[str, Field(description=labelled(pairs, description), json_schema_extra={"enum": values})]


Money = Annotated[
    str,
    Field(
        pattern=AMOUNT_PATTERN, description="montant en euros, chaîne à deux décimales", examples=["270.00"]
    ),
]
Timestamp = Annotated[datetime, Field(description="horodatage ISO 8601 (date-time)")]
State = choice(DossierState, "État du dossier.")
Decision = choice(codes.DECISIONS, "Décision du moteur de règles (vide : pas encore évalué).", blank=True)
Severity = choice(codes.SEVERITIES, "Gravité du constat.")
DeadlineName = choice(codes.DEADLINES, "Échéance.")


def no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail on write.
    if "\x00" in value:
        raise ValueError("caractère NUL interdit")
    return value


Clean = AfterValidator(no_nul)
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=0)]
Identifier = Annotated[int, Field(ge=1, le=2**62)]
Text = Annotated[str, Field(max_length=5000), Clean]


class StrictIn(Schema):
    """An input body: a field it does not know is refused (422 `unknown_field`, naming it), never dropped."""

    model_config = ConfigDict(extra="forbid")


class ReasonIn(StrictIn):
    reason: Annotated[str, Field(min_length=1, max_length=5000), Clean]


class CancelIn(StrictIn):
    reason: Text = Field("", description="motif, facultatif")


class DecisionIn(StrictIn):
    dossier_ids: Annotated[list[Identifier], Field(min_length=1, max_length=5000)]
    decision: Literal["validate", "reject", "request_completion"]
    message: Text = ""


class PilotClientIn(StrictIn):
    dossier_id: Identifier
    pv_signed: bool


class PilotIn(StrictIn):
    solution_version_id: Identifier
    clients: Annotated[list[PilotClientIn], Field(max_length=50)]
    training_materials_sent: bool


class PilotDecisionIn(StrictIn):
    decision: Literal["validate", "refuse"]
    reason: Text = ""


class ReferencingIn(StrictIn):
    decision: Literal["grant", "refuse"]


class WithdrawalIn(StrictIn):
    dossiers: Annotated[int, Field(ge=0, le=2**31)]
    paid: Amount


class RepaymentIn(StrictIn):
    amount: Annotated[Decimal, Field(max_digits=12, decimal_places=2, gt=0)]


class FindingOut(Schema):
    rule: str = Field(description="code de la règle")
    section: str = Field(description="section de l'AF-SFP-LGC-Va2")
    severity: Severity
    message: str


class AmountsOut(Schema):
    cap: Money | None = Field(description="plafond de financement (§4.2)")
    financed: Money | None = Field(description="montant financé")
    advance: Money | None = Field(description="avance (40 %)")
    balance: Money | None = Field(description="solde (60 %)")
    paid_advance: Money
    paid_balance: Money
    recovered: Money


class DeadlineOut(Schema):
    name: DeadlineName
    date: date


class DossierOut(Schema):
    id: int
    state: State
    state_label: str = Field(description="libellé français de l'état")
    client_kind: choice(ClientKind, "Type de Client.")
    rpps: str
    finess_geo: str
    solution_version_id: int
    supplier_reference: str = Field("", description="référence de la commande chez le fournisseur")
    decision: Decision
    findings: list[FindingOut]
    amounts: AmountsOut
    advance_filed_on: date | None
    balance_filed_on: date | None
    next_deadline: DeadlineOut | None


class EvaluationOut(DossierOut):
    """A dry run's answer: the dossier as it would be filed, nothing stored."""

    id: None = Field(None, description="toujours null : rien n'est enregistré")
    stored: bool = Field(False, description="toujours false")


class TransitionOut(Schema):
    id: int = Field(
        description="numéro de l'étape ; celui d'une décision donne sa lettre : /dossiers/{id}/decisions/{ce numéro}/letter"
    )
    name: str = Field(description="étape du cycle de vie")
    from_state: choice(DossierState, blank=True)
    to_state: State
    actor: str
    at: Timestamp
    reason: str


class MessageOut(Schema):
    kind: choice(MessageKind, "Nature du message.")
    author: str
    body: str
    at: Timestamp


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


class FieldErrorOut(Schema):
    field: str = Field(description="chemin du champ en cause, ex. `order.lines[0].amount`")
    message: str = Field(description="ce qui ne va pas, en français")


class ErrorOut(Schema):
    """Every error of the API: a stable code to test, a French message to show, the field at fault."""

    # Optional here (a view may answer without it: sons.api.headers fills it in), required in the published schema
    # (sons.api.openapi): every answer carries it.
    code: str | None = Field(
        None,
        description=labelled([(code, f"{status}, {meaning}") for code, (status, meaning) in CODES.items()],
                             "Code stable de l'erreur, à tester plutôt que le message."),
        json_schema_extra={"enum": list(CODES)},
    )  # fmt: skip
    message: str = Field(description="explication en français, à montrer à l'utilisateur")
    field: str | None = Field(None, description="chemin du champ en cause ; null : la requête entière")
    errors: list[FieldErrorOut] | None = Field(
        None, description="toutes les erreurs, quand il y en a plusieurs"
    )
    request_id: str | None = Field(
        None, description="identifiant de la requête (aussi l'en-tête X-Request-ID), à citer au support"
    )


class BulkErrorOut(Schema):
    code: str = Field(
        description="code stable de l'erreur (voir ErrorOut)", json_schema_extra={"enum": list(CODES)}
    )
    message: str
    field: str | None = None


class BulkItemOut(Schema):
    index: int
    line: int = Field(description="ligne du corps où commence le dossier")
    status: Literal["filed", "draft", "refused"] = Field(
        description="filed : déposé ; draft : brouillon enregistré ; refused : refusé (voir error.code)"
    )
    id: int | None = None
    state: State | None = None
    decision: Decision | None = None
    error: BulkErrorOut | None = None


class BulkOut(Schema):
    filed: int
    refused: int
    items: list[BulkItemOut]


class DecisionItemOut(Schema):
    id: int
    status: Literal["ok", "error"]
    state: State | None = None
    code: str | None = Field(
        None,
        description="error : code stable du refus (voir ErrorOut), ex. `missing_piece` : pièce obligatoire manquante",
        json_schema_extra={"enum": list(CODES)},
    )
    message: str | None = None
    field: str | None = Field(
        None, description="error : champ en cause, ex. `documents` pour une pièce manquante"
    )


class BatchOut(Schema):
    id: int
    state: choice(BatchState, "État du lot.")
    total: Money
    payments: int


class RecoveryOut(Schema):
    id: int
    dossier_id: int
    ground: choice(RecoveryGround, "Motif du recouvrement (§7).")
    state: State
    amount: Money
    opened_on: date
    formal_notice_sent_on: date | None
    repayment_ordered_on: date | None


class ImpactOut(Schema):
    dossiers: int
    paid: Money


class PilotOut(Schema):
    id: int
    state: choice(PilotState, "État du périmètre pilote.")
    solution_version_id: int
    findings: list[dict]


class DocumentFindingOut(Schema):
    code: str
    message: str
    section: str = Field(description="section de l'AF-SFP-LGC-Va2")
    severity: Literal["blocking", "warning", "info"]


class DocumentOut(Schema):
    id: int
    kind: choice(DocumentKind, "Nature de la pièce.")
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

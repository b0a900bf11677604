"""What a supplier declares for a dossier (the client, the version, the order; later the balance request), checked
once here for the API, the portal's forms and bulk files alike. `read` gives typed values (`date`, `Decimal`) or
refuses with a French error naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from sons.errors import invalid_input
from sons.rules import codes


def no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL; refuse it as bad input rather than fail on write.
    if "\x00" in value:
        raise ValueError("caractère NUL interdit")
    return value


Clean = AfterValidator(no_nul)

Signature = Literal[codes.SIGNATURE_MODES.codes]
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=0)]
SignedAmount = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]
Identifier = Annotated[int, Field(ge=1, le=2**62)]
Text = Annotated[str, Field(max_length=5000), Clean]
VaFunction = Literal[codes.VA_KEY_FUNCTIONS.codes]


class ClientIn(BaseModel):
    rpps: Annotated[str, Field(max_length=11), Clean] | None = Field(
        None, description="n° RPPS (professionnel)"
    )
    finess_geo: Annotated[str, Field(max_length=9), Clean] | None = Field(
        None, description="n° FINESS géographique (centre)"
    )


class LineIn(BaseModel):
    label: Annotated[str, Field(max_length=200), Clean]
    amount: SignedAmount


class OrderIn(BaseModel):
    in_client_name: bool | None = None
    issued_on: date | None = None
    signed_on: date | None = None
    signature: Signature | None = None
    lines: Annotated[list[LineIn], Field(max_length=20)] = []
    vat_rate: Literal[codes.VAT_RATES.codes] | None = None
    mention_state_funded: bool | None = None
    mention_conditional_referencing: bool | None = None
    conditioned_on: Annotated[list[Literal[codes.ORDER_CONDITIONS.codes]], Field(max_length=3)] = []
    paid_version_catch_up: bool = False
    client_version_obsolete: bool | None = None
    centre_certificate_commitment: bool | None = None


class DossierIn(BaseModel):
    client: ClientIn
    solution_version_id: Identifier
    order: OrderIn
    de_minimis_other_aid: Amount | None = Field(
        None, description="autres aides de minimis sur trois ans (déclaration du Client)"
    )


class VaIn(BaseModel):
    signed_on: date | None = None
    signature: Signature | None = None
    functions: Annotated[list[VaFunction], Field(max_length=8)] = []


class InvoiceIn(BaseModel):
    issued_on: date | None = None
    amount: SignedAmount | None = None
    in_client_name: bool | None = None


class BalanceIn(BaseModel):
    completed_on: date | None = None
    va: VaIn
    invoice: InvoiceIn


class CorrectionIn(BaseModel):
    """What an answer to a completion request corrects; what it leaves out stays as declared."""

    order: OrderIn | None = Field(
        None, description="champs du bon de commande à corriger ; les autres restent"
    )
    balance: BalanceIn | None = None
    de_minimis_other_aid: Amount | None = None


def read(model: type[BaseModel], document, *, only_given: bool = False) -> dict:
    """`document` (JSON-like, or already typed) checked against `model`: a dict of typed values, or `Invalid`
    naming the first field at fault (all of them in `details["errors"]`). With `only_given`, the fields the
    document leaves out are left out (a correction changes only what it names)."""
    try:
        return model.model_validate(document).model_dump(exclude_unset=only_given)
    except ValidationError as error:
        raise invalid_input(error.errors()) from None


def flatten_balance(balance: dict) -> dict:
    """The balance request as the dossier keeps it (a typed `BalanceIn` dict)."""
    va, invoice = balance.get("va") or {}, balance.get("invoice") or {}
    return {
        "completed_on": balance.get("completed_on"),
        "va_signed_on": va.get("signed_on"),
        "va_signature": va.get("signature"),
        "va_functions": list(va.get("functions") or []),
        "invoice_issued_on": invoice.get("issued_on"),
        "invoice_amount": invoice.get("amount"),
        "invoice_in_client_name": invoice.get("in_client_name"),
    }

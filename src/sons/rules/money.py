"""Money is Decimal, rounded half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def euros(amount: Decimal | None) -> str | None:
    """ "270.00" (the contract's form) or None. Amounts are kept at the cent, so this only formats."""
    return None if amount is None else f"{amount:.2f}"


def euros_fr(amount: Decimal | None) -> str:
    """ "1 890,00 €" for French readers."""
    if amount is None:
        return "—"
    whole, cents = f"{to_cents(amount):,.2f}".split(".")
    return f"{whole.replace(',', ' ')},{cents} €"

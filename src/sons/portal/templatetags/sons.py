"""The portal's filters, available in every template (settings: TEMPLATES builtins): amounts and dates as French
readers write them.

    {{ dossier.financed|euros }}   → 1 890,00 €   (— when unknown)
    {{ dossier.advance_filed_on|day }}   → 01/09/2026   (— when unknown)
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone

from sons.rules.money import euros_fr

register = template.Library()


@register.filter
def euros(amount) -> str:
    """A Decimal, or the contract's string form ("270.00"), in euros."""
    if amount is None or amount == "":
        return "—"
    try:
        return euros_fr(amount if isinstance(amount, Decimal) else Decimal(str(amount)))
    except InvalidOperation:
        return str(amount)


@register.filter
def day(value) -> str:
    """A date (or the local day of a moment) as DD/MM/YYYY."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "d/m/Y") if isinstance(value, date) else str(value)


@register.filter
def moment(value) -> str:
    """A moment as DD/MM/YYYY HH:MM, local time."""
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")

"""The portal's filters, available in every template (settings: TEMPLATES builtins): amounts and dates as French
readers write them.

    {{ dossier.financed|euros }}   → 1 890,00 €   (— when unknown)
    {{ dossier.advance_filed_on|day }}   → 01/09/2026   (— when unknown)
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils import formats, timezone

from sons.dossiers.enums import FAMILY_BADGES, STATE_FAMILIES
from sons.dossiers.reading import client_labels
from sons.rules.money import euros_fr

from ..forms_dsfr import error_summary as summary_of

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


@register.inclusion_tag("dsfr/breadcrumb.html")
def breadcrumb(current, *links, of=None):
    """The DSFR breadcrumb (django-dsfr's dsfr/breadcrumb.html, which begins with « Accueil »): the current page
    (followed by `of` when given), then its parents as (label, URL name or URL) pairs.

    {% breadcrumb "Distributeurs déclarés" "Espace ANS" "portal:ans_home" %}
    {% breadcrumb "Pilote n°" "Espace ANS" "portal:ans_home" "Périmètres pilotes" "portal:ans_pilots" of=pilot.pk %}"""
    current = f"{current} {of}" if of is not None else current
    pairs = [(str(label), target if str(target).startswith("/") else reverse(target))
             for label, target in zip(links[::2], links[1::2], strict=True)]  # fmt: skip
    home = reverse("portal:home")
    parents = [{"title": label, "url": url} for label, url in pairs if url != home]
    return {"self": {"links": parents, "current": current, "id": "fil-ariane", "root_dir": home}}


@register.inclusion_tag("portal/includes/pagination.html", takes_context=True)
def pagination(context, page):
    """The DSFR pagination of a Django page, keeping the request's other parameters (the filters)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}


@register.inclusion_tag("portal/includes/_state_badge.html")
def state_badge(dossier, testid: str = ""):
    """A dossier's state, coloured by its family (in progress, to complete, validated, paid, rejected, recovery:
    dossiers.enums.STATE_FAMILIES and FAMILY_BADGES)."""
    family = STATE_FAMILIES[dossier.state]
    return {"label": dossier.get_state_display(), "colour": FAMILY_BADGES[family], "family": family,
            "testid": testid}  # fmt: skip


@register.simple_tag
def error_summary(form) -> list[dict]:
    """The fields in error of any form, for the summary at its top (forms_dsfr.error_summary)."""
    return summary_of(form)


@register.inclusion_tag("portal/includes/client.html", takes_context=True)
def client(context, dossier, among=None):
    """A dossier's client as the directory knows it (sons.dossiers.reading.client_labels, rendered by
    portal/includes/client.html). `among` (a page of dossiers) names them all in two queries, once per page.

    {% client d among=page %}"""
    memo = context.render_context.setdefault("sons_clients", {})
    if dossier.client_key not in memo:
        memo.update(client_labels(among if among is not None else [dossier]))
    return {"client": memo[dossier.client_key]}

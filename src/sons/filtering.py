"""Query-string filters of a list, declared once per list and read the same way by every door (the portal's
queue and its export, the API's list and exports): an unknown name or value is refused naming the field.

    DOSSIER_FILTERS = {"state": choice_filter("state", DossierState), "filed_from": date_filter(…), …}
    queryset = filtered(Dossier.objects.all(), DOSSIER_FILTERS, request.GET.items())  # Invalid if wrong
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from sons.errors import Invalid, UnknownField


class BadFilter(Invalid):
    """A filter's value the list cannot read (HTTP 422)."""


class UnknownFilter(BadFilter, UnknownField):
    """A filter the list does not have (HTTP 422, `unknown_field` as any unknown name): refused, never ignored."""

    code = "unknown_field"


@dataclass(frozen=True)
class Filter:
    """`parse` turns the raw text into a value (raising BadFilter), `where` the value into a condition."""

    parse: Callable[[str, str], object]
    where: Callable[[object], Q]
    help: str


def values(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def codes_of(choices) -> list[str]:
    return [c.value for c in choices] if hasattr(choices, "choices") else list(choices)


def one_of(choices) -> Callable[[str, str], list[str]]:
    """A comma-separated list of the codes of a Django choices class (or of a plain tuple of codes)."""
    codes = codes_of(choices)

    def parse(field: str, raw: str) -> list[str]:
        found = values(raw)
        unknown = [v for v in found if v not in codes]
        if unknown or not found:
            raise BadFilter(f"Filtre « {field} » : valeur inconnue « {', '.join(unknown) or raw} » ; "
                            f"valeurs admises : {', '.join(codes)}.", field)  # fmt: skip
        return found

    return parse


def identifiers(field: str, raw: str) -> list[int]:
    found = values(raw)
    if not found or not all(v.isascii() and v.isdigit() and len(v) < 19 for v in found):
        raise BadFilter(
            f"Filtre « {field} » : identifiants numériques attendus, séparés par des virgules.", field
        )
    return [int(v) for v in found]


def iso_date(field: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadFilter(f"Filtre « {field} » : date attendue au format AAAA-MM-JJ.", field) from None


def choice_filter(lookup: str, choices) -> Filter:
    return Filter(
        one_of(choices), lambda v: Q(**{f"{lookup}__in": v}), f"parmi {', '.join(codes_of(choices))}"
    )


def ids_filter(lookup: str) -> Filter:
    return Filter(identifiers, lambda v: Q(**{f"{lookup}__in": v}), "identifiants séparés par des virgules")


def date_filter(lookup: str, bound: str) -> Filter:
    return Filter(iso_date, lambda v: Q(**{f"{lookup}__{bound}": v}), "date AAAA-MM-JJ")


def condition(filters: Mapping[str, Filter], params: Mapping[str, str] | Iterable[tuple[str, str]]) -> Q:
    """The condition of every filter given; an empty value means no filter."""
    items = params.items() if isinstance(params, Mapping) else params
    found = Q()
    for name, raw in items:
        spec = filters.get(name)
        if spec is None:
            raise UnknownFilter(f"Filtre inconnu « {name} » ; filtres admis : {', '.join(filters)}.", name)
        if raw.strip():
            found &= spec.where(spec.parse(name, raw))
    return found


def filtered(queryset: QuerySet, filters: Mapping[str, Filter], params) -> QuerySet:
    """`queryset`'s rows matching every filter of `params` (a mapping or (name, value) pairs)."""
    return queryset.filter(condition(filters, params))


def openapi_parameters(filters: Mapping[str, Filter]) -> list[dict]:
    """The filters as OpenAPI query parameters, for the API's documentation."""
    return [{"in": "query", "name": name, "required": False, "schema": {"type": "string"}, "description": spec.help}
            for name, spec in filters.items()]  # fmt: skip

"""Query-string filters of an export, checked: an unknown name or value is refused naming the field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet


class BadFilter(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Filter:
    """`parse` turns the raw text into a value (raising BadFilter), `where` the value into a condition."""

    parse: Callable[[str, str], object]
    where: Callable[[object], Q]
    help: str


def values(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def one_of(choices) -> Callable[[str, str], list[str]]:
    """A comma-separated list of the codes of a Django choices class (or of a plain tuple of codes)."""
    codes = [c.value for c in choices] if hasattr(choices, "choices") else list(choices)

    def parse(field: str, raw: str) -> list[str]:
        found = values(raw)
        unknown = [v for v in found if v not in codes]
        if unknown or not found:
            raise BadFilter(field, f"Filtre « {field} » : valeur inconnue « {', '.join(unknown) or raw} » ; "
                                   f"valeurs admises : {', '.join(codes)}.")  # fmt: skip
        return found

    return parse


def identifiers(field: str, raw: str) -> list[int]:
    found = values(raw)
    if not found or not all(v.isascii() and v.isdigit() and len(v) < 19 for v in found):
        raise BadFilter(
            field, f"Filtre « {field} » : identifiants numériques attendus, séparés par des virgules."
        )
    return [int(v) for v in found]


def iso_date(field: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadFilter(field, f"Filtre « {field} » : date attendue au format AAAA-MM-JJ.") from None


def choice_filter(lookup: str, choices) -> Filter:
    labels = [c.value for c in choices] if hasattr(choices, "choices") else list(choices)
    return Filter(one_of(choices), lambda v: Q(**{f"{lookup}__in": v}), f"parmi {', '.join(labels)}")


def ids_filter(lookup: str) -> Filter:
    return Filter(identifiers, lambda v: Q(**{f"{lookup}__in": v}), "identifiants séparés par des virgules")


def date_filter(lookup: str, bound: str) -> Filter:
    return Filter(iso_date, lambda v: Q(**{f"{lookup}__{bound}": v}), "date AAAA-MM-JJ")


def filtered(table, params: Mapping[str, str] | Iterable[tuple[str, str]]) -> QuerySet:
    """The table's rows matching every filter given; an empty value means no filter."""
    items = params.items() if isinstance(params, Mapping) else params
    condition = Q()
    for name, raw in items:
        spec = table.filters.get(name)
        if spec is None:
            raise BadFilter(name, f"Filtre inconnu « {name} » ; filtres admis : {', '.join(table.filters)}.")
        if raw.strip():
            condition &= spec.where(spec.parse(name, raw))
    return table.queryset().filter(condition)

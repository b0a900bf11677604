"""Parameters of the AF as dated data (OpenFisca-style): one TOML table per parameter.

Files are read once, at import; evaluation afterwards only reads the in-memory values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

DECIMAL_UNITS = frozenset({"EUR", "ratio"})


class ParameterNotInForce(LookupError):
    pass


def _to_decimal(value: Any) -> Any:
    if isinstance(value, str):
        return Decimal(value)
    if isinstance(value, dict):
        return {k: _to_decimal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_decimal(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class DatedValue:
    start: date
    value: Any
    reference: str


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    section: str
    unit: str
    values: tuple[DatedValue, ...]

    def at(self, on: date) -> Any:
        """The value in force on `on`: the latest value whose start is on or before it."""
        current = None
        for dated in self.values:
            if dated.start <= on:
                current = dated
            else:
                break
        if current is None:
            raise ParameterNotInForce(
                f"Le paramètre « {self.name} » n'a pas de valeur en vigueur le {on:%d/%m/%Y}."
            )
        return current.value


class Snapshot:
    """Parameter values in force on one date, read as attributes (`p.advance_share`)."""

    def __init__(self, on: date, values: dict[str, Any]):
        self.on = on
        # Values derived from these parameters alone, computed once per snapshot: the calendar of a
        # Date 0 (rules.calendar) and the deadlines it gives every dossier (rules.engine).
        self.calendars: dict = {}
        self.calendar_deadlines: dict = {}
        self.__dict__.update(values)


@dataclass(frozen=True)
class ParameterSet:
    parameters: dict[str, Parameter]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, name: str) -> Parameter:
        return self.parameters[name]

    def at(self, on: date) -> Snapshot:
        snapshot = self._cache.get(on)
        if snapshot is None:
            snapshot = Snapshot(on, {name: p.at(on) for name, p in self.parameters.items()})
            self._cache[on] = snapshot
        return snapshot

    def with_value(self, name: str, start: date, value: Any, reference: str) -> ParameterSet:
        """A copy where `name` takes `value` from `start` (an amending arrêté, or a test)."""
        old = self.parameters[name]
        kept = tuple(v for v in old.values if v.start != start)
        values = tuple(sorted((*kept, DatedValue(start, value, reference)), key=lambda v: v.start))
        parameters = dict(self.parameters)
        parameters[name] = Parameter(old.name, old.description, old.section, old.unit, values)
        return ParameterSet(parameters)


def parse_parameter(name: str, table: dict) -> Parameter:
    unit = table["unit"]
    values = []
    for raw in table["values"]:
        value = _to_decimal(raw["value"]) if unit in DECIMAL_UNITS else raw["value"]
        values.append(DatedValue(raw["from"], value, raw.get("reference", "")))
    values.sort(key=lambda v: v.start)
    return Parameter(name, table["description"], str(table["section"]), unit, tuple(values))


def raw_parameter_files() -> dict[str, dict]:
    """Every parameter file of the package, parsed: {file name: TOML document}."""
    folder = resources.files("sons.rules") / "parameters"
    return {
        entry.name: tomllib.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    }


@lru_cache(maxsize=1)
def load() -> ParameterSet:
    parameters: dict[str, Parameter] = {}
    for document in raw_parameter_files().values():
        for name, table in document.items():
            if name in parameters:
                raise ValueError(f"Paramètre défini deux fois : {name}")
            parameters[name] = parse_parameter(name, table)
    return ParameterSet(parameters)

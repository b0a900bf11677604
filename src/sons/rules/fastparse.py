"""A parser generated from the dossier's field declarations, for the batch simulator.

It accepts exactly what the declared parser accepts and returns the same facts, in a single
generated function (no call per field). On anything unexpected it gives up, and the declared
parser, slower but precise, produces the French error naming the field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from . import contract as spec


class _GiveUp(Exception):
    pass


class _Generator:
    def __init__(self):
        self.lines: list[str] = []
        self.constants: dict[str, object] = {}
        self.names = count()

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self.names)}"

    def constant(self, value) -> str:
        name = self.name("C")
        self.constants[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def field(self, field: spec.Field, src: str, indent: int) -> str:
        """Emit the checks of `field` on the expression `src`; return the expression of its value."""
        var = self.name("v")
        self.emit(indent, f"{var} = {src}")
        nullable = field.nullable
        if isinstance(field, spec.ListOf):
            if field.default_empty:
                self.emit(indent, f"if {var} is None: {var} = []")
            out = self.name("l")
            self.emit(indent, f"{out} = None")
            body = indent
            if nullable and not field.default_empty:
                self.emit(indent, f"if {var} is not None:")
                body = indent + 1
            self.emit(body, f"if type({var}) is not list: raise GiveUp")
            self.emit(body, f"{out} = []")
            item = self.name("i")
            self.emit(body, f"for {item} in {var}:")
            value = self.field(field.item, item, body + 1)
            self.emit(body + 1, f"{out}.append({value})")
            return out
        if isinstance(field, spec.Section):
            out = self.name("d")
            guard = f"if {var} is not None:" if nullable else f"if type({var}) is not dict: raise GiveUp"
            self.emit(indent, f"{out} = None")
            self.emit(indent, guard)
            body = indent + 1 if nullable else indent
            if nullable:
                self.emit(body, f"if type({var}) is not dict: raise GiveUp")
            known = self.constant(frozenset(field.fields))
            self.emit(body, f"if not {var}.keys() <= {known}: raise GiveUp")  # an unknown field: refused
            for key in field.required:
                self.emit(body, f"if {key!r} not in {var}: raise GiveUp")
            values = [
                (key, self.field(sub, f"{var}.get({key!r})", body)) for key, sub in field.fields.items()
            ]
            self.emit(body, f"{out} = {{" + ", ".join(f"{key!r}: {value}" for key, value in values) + "}")
            return out
        null_check = "" if nullable else f"if {var} is None: raise GiveUp\n"
        if null_check:
            self.emit(indent, null_check.strip())
        if isinstance(field, spec.Bool):
            self.emit(
                indent, f"if {var} is not None and {var} is not True and {var} is not False: raise GiveUp"
            )
        elif isinstance(field, spec.Text):
            self.emit(indent, f"if {var} is not None and type({var}) is not str: raise GiveUp")
            if field.max_length is not None:
                self.emit(
                    indent, f"if {var} is not None and not 0 < len({var}) <= {field.max_length}: raise GiveUp"
                )
        elif isinstance(field, spec.Choice):
            allowed = self.constant(frozenset(field.choices))
            self.emit(
                indent,
                f"if {var} is not None and (type({var}) is not str or {var} not in {allowed}): raise GiveUp",
            )
        elif isinstance(field, spec.Count):
            self.emit(indent, f"if {var} is not None and (type({var}) is not int or {var} < 0): raise GiveUp")
        elif isinstance(field, spec.Identifier):
            check = self.constant(field.check)
            self.emit(
                indent,
                f"if {var} is not None and (type({var}) is not str or not {check}({var})): raise GiveUp",
            )
        elif isinstance(field, spec.Day):
            self.emit(indent, f"if {var} is not None:")
            self.emit(indent + 1, f"if type({var}) is not str or not ISO_DATE({var}): raise GiveUp")
            self.emit(indent + 1, f"{var} = fromisoformat({var})")
        elif isinstance(field, spec.Money):
            self.emit(indent, f"if {var} is not None:")
            self.emit(indent + 1, f"if type({var}) is not str or not MONEY({var}): raise GiveUp")
            self.emit(indent + 1, f"{var} = Decimal({var})")
        else:  # pragma: no cover - a new field type must be taught here
            raise TypeError(f"type de champ non géré : {type(field).__name__}")
        return var


def _compile():
    generator = _Generator()
    generator.emit(0, "def fast_parse(data):")
    result = generator.field(spec.DOSSIER, "data", 1)
    generator.emit(1, f"if {result}['request'] == 'balance' and {result}['balance'] is None: raise GiveUp")
    generator.emit(1, f"return {result}")
    source = "\n".join(generator.lines)
    namespace = {
        "GiveUp": _GiveUp,
        "Decimal": Decimal,
        "fromisoformat": date.fromisoformat,
        "ISO_DATE": spec._ISO_DATE.match,
        "MONEY": spec._MONEY.match,
        **generator.constants,
    }
    exec(compile(source, "<sons.rules.fastparse>", "exec"), namespace)
    return namespace["fast_parse"], source


_fast_parse, SOURCE = _compile()


def parse_dossier_fast(data) -> dict:
    """Same result as `contract.parse_dossier`, faster; bad input gets the declared parser's error."""
    try:
        return _fast_parse(data)
    except (_GiveUp, ValueError, TypeError):
        return spec.parse_dossier(data)

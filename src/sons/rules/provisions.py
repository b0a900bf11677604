"""The AF ↔ rules mapping (provisions.toml), read and rendered side by side."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .core import REGISTRY, RULES_BY_NAME, section_key


@dataclass(frozen=True)
class Provision:
    section: str
    text: str
    rules: tuple[str, ...]
    out_of_scope: str | None
    note: str | None


@lru_cache(maxsize=1)
def provisions() -> tuple[Provision, ...]:
    raw = (resources.files("sons.rules") / "provisions.toml").read_text(encoding="utf-8")
    return tuple(
        Provision(
            section=item["section"],
            text=item["text"],
            rules=tuple(item.get("rules", ())),
            out_of_scope=item.get("out_of_scope"),
            note=item.get("note"),
        )
        for item in tomllib.loads(raw)["provision"]
    )


def render_markdown() -> str:
    """docs/rules-mapping.md: every provision of the AF beside the rules that implement it."""
    from . import engine  # noqa: F401  (registers every rule)

    lines = [
        "# L'AF disposition par disposition",
        "",
        "Généré par `sons provisions` depuis `src/sons/rules/provisions.toml` ; ne pas modifier à la main.",
        "Chaque extrait est cité tel qu'il figure dans `docs/af/af-sfp-lgc-va2.txt` (orthographe de l'OCR).",
        "",
    ]
    rulesets: dict[str, list[str]] = {}
    for ruleset, entries in REGISTRY.items():
        for entry in entries:
            rulesets.setdefault(entry.name, []).append(ruleset)
    current = None
    for provision in sorted(provisions(), key=lambda p: section_key(p.section)):
        if provision.section != current:
            current = provision.section
            lines += [f"## §{current}", ""]
        lines.append(f"> {provision.text}")
        lines.append("")
        for name in provision.rules:
            rule = RULES_BY_NAME[name]
            applies = ", ".join(rulesets[name])
            lines.append(f"- `{name}` (§{rule.section} ; {applies}) — {' '.join(rule.doc.split())}")
        if provision.out_of_scope:
            lines.append(f"- **Hors périmètre** : {provision.out_of_scope}")
        if provision.note:
            lines.append(f"- *Lecture retenue* : {provision.note}")
        lines.append("")
    return "\n".join(lines)

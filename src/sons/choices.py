"""Django choices built from the rules' code lists (sons.rules.codes), where every code the rules read or write
is declared once with its French label: the models, forms, filters, exports and templates use these.

    Profession = text_choices("Profession", codes.PROFESSIONS)   # Profession.IDE == "ide", .label, .choices
"""

from __future__ import annotations

import re

from django.db import models

from sons.rules.codes import CodeList


def member_name(code: str) -> str:
    """`sage_femme` → SAGE_FEMME, `8.5` → V_8_5 (a member name must be an identifier)."""
    name = re.sub(r"\W", "_", code).upper()
    return name if name.isidentifier() else f"V_{name}"


def text_choices(name: str, codes: CodeList) -> type[models.TextChoices]:
    return models.TextChoices(name, [(member_name(code), (code, label)) for code, label in codes.choices])

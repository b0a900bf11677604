"""Each code list is declared once: the rules' (sons.rules.codes). A Django choices class of the same codes is
built from it (same codes, same labels, same order), and so are the declaration's fixed values."""

from django.apps import apps
from django.db import models

from sons.dossiers import declaration
from sons.rules import codes


def platform_choices() -> list[type[models.TextChoices]]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("sons."):
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if choices:
                found.add(tuple(choices))
    return sorted(found)


# Same codes, another concept: a payment is the advance or the balance paid, not the request for them.
OTHER_CONCEPTS = {frozenset({"advance", "balance"})}


def test_every_choice_list_of_the_rules_codes_is_the_rules_own():
    by_codes = {frozenset(code_list.codes): code_list for code_list in codes.CODE_LISTS.values()}
    by_codes = {key: code_list for key, code_list in by_codes.items() if key not in OTHER_CONCEPTS}
    matched = 0
    for choices in platform_choices():
        code_list = by_codes.get(frozenset(code for code, _ in choices))
        if code_list is not None:
            matched += 1
            assert tuple(choices) == code_list.choices, code_list.name
    assert matched >= 6  # professions, practices, aid sources, client kinds, markets, referencing, grounds


def test_the_declaration_reads_the_rules_codes():
    """The API documents the contract's own lists (its JSON Schema is the declaration's)."""
    order = declaration.schema()["properties"]["order"]["properties"]
    assert order["vat_rate"]["enum"] == [*codes.VAT_RATES.codes, None]
    assert order["signature"]["enum"] == [*codes.SIGNATURE_MODES.codes, None]
    va = declaration.schema(declaration.BALANCE)["properties"]["va"]["properties"]
    assert va["functions"]["items"]["enum"] == list(codes.VA_KEY_FUNCTIONS.codes)

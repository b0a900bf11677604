"""The order of evaluation: computations first (by step), then conditions by AF section, whatever the imports."""

import random

import pytest

from sons.rules import engine  # noqa: F401  (registers every rule)
from sons.rules.core import REGISTRY, evaluation_order, section_key


@pytest.mark.parametrize("ruleset", sorted(REGISTRY))
def test_computations_first_then_conditions_by_section(ruleset):
    rules = evaluation_order(ruleset)
    kinds = [rule.is_computation for rule in rules]
    assert kinds == sorted(kinds, reverse=True), "a computation after a condition"
    steps = [rule.step for rule in rules if rule.is_computation]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    sections = [section_key(rule.section) for rule in rules if not rule.is_computation]
    assert sections == sorted(sections)


def test_the_order_does_not_depend_on_the_order_of_registration(monkeypatch):
    before = [rule.name for rule in evaluation_order("balance")]
    shuffled = list(REGISTRY["balance"])
    random.Random(4).shuffle(shuffled)
    monkeypatch.setitem(REGISTRY, "balance", shuffled)
    assert [rule.name for rule in evaluation_order("balance")] == before


def test_the_amounts_are_computed_before_the_conditions_that_read_them():
    names = [rule.name for rule in evaluation_order("advance")]
    assert names[:7] == [
        "client_cap_category", "applicable_cap_column", "vat_rate_at_instruction", "cap_amount",
        "financed_amount", "advance_and_balance_amounts", "advance_exception_for_delayed_referencing",
    ]  # fmt: skip
    assert names.index("order_segur_amount_within_cap") > names.index("cap_amount")


def test_section_key_orders_numerically():
    assert sorted(["4.10", "4.9", "6", "6.2", "4.3"], key=section_key) == ["4.3", "4.9", "4.10", "6", "6.2"]

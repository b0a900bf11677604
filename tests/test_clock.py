"""Today's date comes from one clock (sons.clock): Paris's day, moved by time-machine in the tests, or the day a
run acts as of; production code never reaches for a test helper to set it."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import sons
from sons import clock

TEST_HELPERS = ("django.test", "time_machine", "freezegun", "unittest.mock")


def test_today_is_the_day_in_paris(time_machine):
    time_machine.move_to(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # already 1 January in Paris
    assert clock.today() == date(2027, 1, 1)


def test_a_run_acts_as_of_another_day_within_its_block_only(today):
    today("2026-09-01")
    with clock.as_of(date(2028, 2, 16)):
        assert clock.today() == date(2028, 2, 16)
    assert clock.today() == date(2026, 9, 1)


def test_the_moment_within_as_of_is_on_the_day_acted_for(time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 9, 15, tzinfo=UTC), tick=False)
    assert clock.now() == datetime(2026, 12, 1, 9, 15, tzinfo=UTC)
    with clock.as_of(date(2026, 7, 14)):  # summer time in Paris: the same local time of day, 10:15
        assert clock.now() == datetime(2026, 7, 14, 8, 15, tzinfo=UTC)


def test_production_code_imports_no_test_helper():
    offenders = []
    for path in Path(sons.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.startswith(TEST_HELPERS)]
    assert not offenders

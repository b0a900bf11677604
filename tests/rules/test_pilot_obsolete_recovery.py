"""§6.3 the pilot, §4.3 obsolete-version declarations, §7 recovery of undue payments."""

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from sons.rules import evaluate_obsolete_version, evaluate_pilot, evaluate_recovery, load_parameters
from tests.factories import DATE_0, DATE_5

DAY = timedelta(days=1)
PILOT_ON = date(2027, 3, 1)


def blocking(result) -> set[str]:
    return {f.rule for f in result.findings if f.severity == "blocking"}


def message(result, rule: str) -> str:
    (found,) = [f for f in result.findings if f.rule == rule]
    return found.message


# §6.3 — the pilot: 5 clients, advances validated, PV signed, training materials sent


def pilot(count: int = 5, **changes: Any) -> dict:
    clients = [
        {"client": f"client-{index}", "advance_validated": True, "pv_signed": True}
        for index in range(1, count + 1)
    ]
    return {"clients": clients, "training_materials_sent": True, **changes}


def test_pilot_of_five_distinct_clients_is_validated():
    result = evaluate_pilot(pilot(5), PILOT_ON)
    assert result.ok is True
    assert result.findings == []


@pytest.mark.parametrize("count", [0, 4, 6], ids=["no-client", "four", "six"])
def test_pilot_needs_exactly_five_clients(count):
    result = evaluate_pilot(pilot(count), PILOT_ON)
    assert result.ok is False
    assert blocking(result) == {"pilot_has_required_number_of_distinct_clients"}
    assert f"il en compte {count}" in message(result, "pilot_has_required_number_of_distinct_clients")


@pytest.mark.parametrize("count", [5, 6], ids=["five-entries-four-clients", "six-entries-five-clients"])
def test_pilot_client_counted_twice_is_refused(count):
    data = pilot(count)
    data["clients"][-1]["client"] = data["clients"][0]["client"]
    result = evaluate_pilot(data, PILOT_ON)
    assert result.ok is False
    assert blocking(result) == {"pilot_has_required_number_of_distinct_clients"}
    assert "plusieurs fois le même Client" in message(result, "pilot_has_required_number_of_distinct_clients")


@pytest.mark.parametrize(
    ("field", "rule", "fragment"),
    [
        ("advance_validated", "pilot_clients_have_validated_advances", "Avance non validée"),
        ("pv_signed", "pilot_pv_signed_by_each_client", "PV d'installation pilote non signé"),
    ],
    ids=["advance-not-validated", "pv-unsigned"],
)
def test_each_pilot_client_has_validated_advance_and_signed_pv(field, rule, fragment):
    data = pilot(5)
    data["clients"][2][field] = False
    result = evaluate_pilot(data, PILOT_ON)
    assert result.ok is False
    assert blocking(result) == {rule}
    text = message(result, rule)
    assert fragment in text
    assert "client-3" in text
    assert "client-1" not in text


def test_pilot_requires_training_materials_sent():
    result = evaluate_pilot(pilot(5, training_materials_sent=False), PILOT_ON)
    assert result.ok is False
    assert blocking(result) == {"pilot_training_materials_sent"}
    assert "supports de formation" in message(result, "pilot_training_materials_sent")


# §4.3 — obsolete versions
#
# The solution had versions 1.0 to 4.0 (ranks 1 to 4) at Date 0; 4.0 was the latest in production.

DECLARATION: dict[str, Any] = {
    "version": "1.0",
    "version_rank": 1,
    "end_announced_on": DATE_0 - timedelta(days=200),
    "versions_at_date_0": ["1.0", "2.0", "3.0", "4.0"],
    "already_obsolete": [],
    "latest_in_production_at_date_0": "4.0",
    "vague_1_version_rank": None,
}
DECLARED_ON = date(2025, 9, 1)


def declaration(**changes: Any) -> dict:
    data = copy.deepcopy(DECLARATION)
    data.update(changes)
    return data


def declare(**changes: Any):
    return evaluate_obsolete_version(declaration(**changes), DECLARED_ON, date_0=DATE_0)


def test_conforming_obsolete_declaration():
    result = declare()
    assert result.ok is True
    assert result.findings == []


@pytest.mark.parametrize(
    ("announced_on", "ok"),
    [(DATE_0 - DAY, True), (DATE_0, False), (DATE_0 + DAY, False), (None, False)],
    ids=["day-before-date-0", "on-date-0", "day-after-date-0", "never-announced"],
)
def test_end_of_sale_or_maintenance_made_public_before_date_0(announced_on, ok):
    result = declare(end_announced_on=announced_on)
    assert result.ok is ok
    if ok:
        assert blocking(result) == set()
    else:
        assert blocking(result) == {"obsolescence_made_public_before_date_0"}
        assert "rendu public" in message(result, "obsolescence_made_public_before_date_0")


def test_announcement_message_names_the_dates():
    result = declare(end_announced_on=DATE_0)
    assert "15/06/2025" in message(result, "obsolescence_made_public_before_date_0")


@pytest.mark.parametrize(
    ("version", "rank", "already", "ok"),
    [
        ("2.0", 2, ["1.0"], True),
        ("2.0", 2, [], True),
        ("2.0", 2, ["1.0", "3.0", "4.0"], False),
    ],
    ids=["some-left", "first-declared", "last-one-left"],
)
def test_not_every_version_existing_at_date_0(version, rank, already, ok):
    result = declare(version=version, version_rank=rank, already_obsolete=already)
    assert result.ok is ok
    if ok:
        assert blocking(result) == set()
    else:
        assert blocking(result) == {"not_every_version_existing_at_date_0"}
        assert "Toutes les versions" in message(result, "not_every_version_existing_at_date_0")


def test_an_unknown_latest_version_in_production_leaves_the_declaration_unchecked():
    """§4.3 « a minima, la version la plus récente installée en production à la Date 0 ne peut être déclarée
    obsolète » : without that version the condition cannot be checked, and an unknown fact blocks."""
    result = declare(latest_in_production_at_date_0=None)
    assert result.ok is False
    assert blocking(result) == {"not_latest_version_in_production_at_date_0"}
    assert "non renseignée" in message(result, "not_latest_version_in_production_at_date_0")


@pytest.mark.parametrize(
    ("version", "rank", "ok"),
    [("4.0", 4, False), ("3.0", 3, True)],
    ids=["latest-in-production", "the-one-before"],
)
def test_latest_version_in_production_at_date_0_cannot_be_obsolete(version, rank, ok):
    result = declare(version=version, version_rank=rank)
    assert result.ok is ok
    if ok:
        assert blocking(result) == set()
    else:
        assert blocking(result) == {"not_latest_version_in_production_at_date_0"}
        assert "plus récente installée en production" in message(
            result, "not_latest_version_in_production_at_date_0"
        )


@pytest.mark.parametrize(
    ("version", "rank", "ok"),
    [("1.0", 1, True), ("2.0", 2, False), ("3.0", 3, False)],
    ids=["earlier-than-vague-1", "vague-1-version", "later-than-vague-1"],
)
def test_vague_1_version_and_later_cannot_be_obsolete(version, rank, ok):
    result = declare(version=version, version_rank=rank, vague_1_version_rank=2)
    assert result.ok is ok
    if ok:
        assert blocking(result) == set()
        assert result.trace["not_vague_1_version_or_later"].check.outcome == "passed"
    else:
        assert blocking(result) == {"not_vague_1_version_or_later"}
        assert "vague 1" in message(result, "not_vague_1_version_or_later")


def test_without_vague_1_version_the_rule_is_not_applicable():
    result = declare(version="3.0", version_rank=3, vague_1_version_rank=None)
    assert result.ok is True
    assert result.trace["not_vague_1_version_or_later"].check.outcome == "not_applicable"


def test_latest_in_production_is_also_the_last_one_left():
    result = declare(version="4.0", version_rank=4, already_obsolete=["1.0", "2.0", "3.0"])
    assert blocking(result) == {
        "not_every_version_existing_at_date_0",
        "not_latest_version_in_production_at_date_0",
    }


# §7 — recovery

ADVANCE = Decimal("108.00")
BALANCE = Decimal("162.00")
ZERO = Decimal("0.00")

FACTS: dict[str, Any] = {
    "advance_paid": ADVANCE,
    "balance_paid": ZERO,
    "balance_filed_on": None,
    "end_of_service_attested_on": None,
    "incapacity_declared_on": None,
    "erroneous_declaration_amount": None,
    "referencing_withdrawn_on": None,
    "formal_notice_sent_on": None,
    "remedied": False,
}


def recover(today: date, **changes: Any):
    facts = {**FACTS, **changes}
    return evaluate_recovery(facts, today, date_0=DATE_0)


def formal_notice_days(on: date) -> int:
    return load_parameters()["formal_notice_days"].at(on)


def test_recovery_reads_date_5_from_date_0():
    result = recover(DATE_5)
    assert result.trace["recovery_service_not_completed_at_date_5"].check.facts["date_5"] == date(2028, 2, 15)


@pytest.mark.parametrize(
    ("today", "step", "amount"),
    [(DATE_5 - DAY, "none", ZERO), (DATE_5, "none", ZERO), (DATE_5 + DAY, "formal_notice", ADVANCE)],
    ids=["day-before-date-5", "on-date-5", "day-after-date-5"],
)
def test_service_not_completed_at_date_5_recovers_the_advance(today, step, amount):
    result = recover(today)
    assert result.step == step
    assert result.amount == amount
    if amount:
        assert result.grounds == {"not_completed_at_date_5": ADVANCE}
    else:
        assert result.grounds == {}


@pytest.mark.parametrize(
    ("filed_on", "grounds"),
    [(DATE_5 - DAY, {}), (DATE_5, {}), (DATE_5 + DAY, {"not_completed_at_date_5": ADVANCE})],
    ids=["day-before-date-5", "on-date-5", "day-after-date-5"],
)
def test_balance_filed_by_date_5_is_no_ground(filed_on, grounds):
    result = recover(DATE_5 + 10 * DAY, balance_filed_on=filed_on)
    assert result.grounds == grounds
    assert result.amount == (ADVANCE if grounds else ZERO)


@pytest.mark.parametrize(
    ("attested_on", "grounds"),
    [(DATE_5, {}), (DATE_5 + DAY, {"not_completed_at_date_5": ADVANCE})],
    ids=["on-date-5", "day-after-date-5"],
)
def test_end_of_service_attestation_by_date_5_is_no_ground(attested_on, grounds):
    result = recover(DATE_5 + 10 * DAY, end_of_service_attested_on=attested_on)
    assert result.grounds == grounds
    assert result.amount == (ADVANCE if grounds else ZERO)


@pytest.mark.parametrize("today", [DATE_5 - 30 * DAY, DATE_5 + DAY], ids=["before-date-5", "after-date-5"])
def test_declared_incapacity_recovers_the_advance(today):
    result = recover(today, incapacity_declared_on=DATE_5 - 60 * DAY)
    assert result.grounds == {"incapacity": ADVANCE}
    assert result.amount == ADVANCE
    assert result.step == "formal_notice"


def test_nothing_to_recover_without_an_advance():
    result = recover(DATE_5 + DAY, advance_paid=ZERO)
    assert result.grounds == {}
    assert result.amount == ZERO
    assert result.step == "none"


@pytest.mark.parametrize(
    ("advance_paid", "balance_paid", "amount"),
    [(ADVANCE, ZERO, ADVANCE), (ADVANCE, BALANCE, Decimal("270.00"))],
    ids=["advance-only", "advance-and-balance"],
)
def test_referencing_withdrawn_recovers_everything_paid(advance_paid, balance_paid, amount):
    result = recover(date(2028, 6, 1), advance_paid=advance_paid, balance_paid=balance_paid,
                     balance_filed_on=date(2027, 12, 10), referencing_withdrawn_on=date(2028, 5, 1))  # fmt: skip
    assert result.grounds == {"referencing_withdrawn": amount}
    assert result.amount == amount
    assert result.step == "formal_notice"


def test_referencing_withdrawn_when_nothing_was_paid():
    result = recover(date(2027, 6, 1), advance_paid=ZERO, referencing_withdrawn_on=date(2027, 5, 1))
    assert result.grounds == {}
    assert result.amount == ZERO
    assert result.step == "none"


@pytest.mark.parametrize(
    ("declared", "amount"),
    [
        (Decimal("50.00"), Decimal("50.00")),
        (Decimal("269.99"), Decimal("269.99")),
        (Decimal("270.00"), Decimal("270.00")),
        (Decimal("270.01"), Decimal("270.00")),
        (Decimal("1000.00"), Decimal("270.00")),
    ],
    ids=["part", "just-under-paid", "exactly-paid", "just-over-paid", "far-over-paid"],
)
def test_erroneous_declaration_amount_is_capped_at_what_was_paid(declared, amount):
    result = recover(date(2027, 12, 20), balance_paid=BALANCE, balance_filed_on=date(2027, 12, 10),
                     erroneous_declaration_amount=declared)  # fmt: skip
    assert result.grounds == {"erroneous_declaration": amount}
    assert result.amount == amount
    assert result.step == "formal_notice"


def test_several_grounds_recover_the_largest_amount():
    result = recover(DATE_5 + DAY, erroneous_declaration_amount=Decimal("20.00"),
                     referencing_withdrawn_on=DATE_5)  # fmt: skip
    assert result.grounds == {
        "not_completed_at_date_5": ADVANCE,
        "erroneous_declaration": Decimal("20.00"),
        "referencing_withdrawn": ADVANCE,
    }
    assert result.amount == ADVANCE


# §7 — formal notice before any repayment order

NOTICE_ON = DATE_5 + 20 * DAY


def test_formal_notice_comes_first():
    result = recover(DATE_5 + 10 * DAY)
    assert result.step == "formal_notice"
    assert result.amount == ADVANCE
    assert "Mise en demeure à adresser" in message_or_note(result)


def message_or_note(result) -> str:
    (found,) = [f for f in result.findings if f.rule == "formal_notice_precedes_repayment_order"]
    return found.message


@pytest.mark.parametrize(
    ("days_after_delay", "step"),
    [(None, "awaiting_observations"), (-1, "awaiting_observations"), (0, "awaiting_observations"),
     (1, "repayment_order")],
    ids=["on-notice-day", "day-before-last", "last-day-of-delay", "day-after-delay"],
)  # fmt: skip
def test_repayment_order_only_after_the_formal_notice_delay(days_after_delay, step):
    delay = formal_notice_days(NOTICE_ON)
    today = NOTICE_ON if days_after_delay is None else NOTICE_ON + (delay + days_after_delay) * DAY
    result = recover(today, formal_notice_sent_on=NOTICE_ON)
    assert result.step == step
    assert result.amount == ADVANCE
    assert result.grounds == {"not_completed_at_date_5": ADVANCE}


def test_awaiting_observations_names_the_end_of_the_delay():
    delay = formal_notice_days(NOTICE_ON)
    ends = NOTICE_ON + delay * DAY
    result = recover(ends, formal_notice_sent_on=NOTICE_ON)
    assert ends.strftime("%d/%m/%Y") in message_or_note(result)


@pytest.mark.parametrize("today_offset", [0, 1], ids=["within-the-delay", "after-the-delay"])
def test_remedied_cancels_the_recovery(today_offset):
    delay = formal_notice_days(NOTICE_ON)
    today = NOTICE_ON + (delay + today_offset) * DAY
    result = recover(today, formal_notice_sent_on=NOTICE_ON, remedied=True)
    assert result.step == "cancelled"
    assert result.amount == Decimal("0.00")
    assert result.grounds == {"not_completed_at_date_5": ADVANCE}


def test_formal_notice_without_ground_leads_nowhere():
    result = recover(DATE_5 - DAY, formal_notice_sent_on=DATE_5 - 40 * DAY)
    assert result.step == "none"
    assert result.amount == ZERO


@pytest.mark.parametrize(
    ("excess", "amount"),
    [(None, ZERO), (Decimal("0.00"), ZERO), (Decimal("0.01"), Decimal("0.01")), (Decimal("200.00"), ADVANCE)],
    ids=["none", "zero", "one-cent", "above-what-was-paid"],
)
def test_an_advance_above_the_invoice_is_a_ground_for_recovery(excess, amount):
    """Issue 14: an invoice below the advance paid leaves a zero balance and the excess to be repaid (§7)."""
    result = recover(DATE_5 - 30 * DAY, balance_filed_on=DATE_5 - 40 * DAY, advance_to_recover=excess)
    assert result.amount == amount
    assert ("invoice_below_advance" in result.grounds) is (amount > ZERO)
    if amount > ZERO:
        assert result.step == "formal_notice"

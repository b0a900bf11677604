"""§6.2 the advance request: enrolment, referencing, Date 4, and the exception for delayed referencing."""

from datetime import timedelta

import pytest

from tests.factories import DATE_2, DATE_4, EXCEPTION_FROM, blocking_rules, dossier, outcome, run

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("filed_on", "ok"),
    [(DATE_4 - DAY, True), (DATE_4, True), (DATE_4 + DAY, False)],
    ids=["before", "on", "after"],
)
def test_advance_filed_no_later_than_date_4(filed_on, ok):
    evaluation = run(dossier(filed_on=filed_on))
    assert ("advance_request_filed_no_later_than_date_4" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


@pytest.mark.parametrize(
    ("referencing", "referenced_on", "decision"),
    [
        ("granted", "2026-08-01", "admissible"),
        ("pending", None, "not_admissible"),
        ("refused", "2026-08-01", "not_admissible"),
        ("withdrawn", "2026-08-01", "not_admissible"),
    ],
)
def test_solution_must_be_referenced(referencing, referenced_on, decision):
    data = dossier(solution__referencing=referencing, solution__referenced_on=referenced_on)
    if referencing == "pending":
        data["order"]["mention_conditional_referencing"] = True
    evaluation = run(data)
    assert evaluation.decision == decision
    if decision == "not_admissible":
        assert "solution_referenced" in blocking_rules(evaluation)


def test_request_filed_before_the_referencing_date_is_not_admissible():
    evaluation = run(
        dossier(solution__referenced_on="2026-09-02", order__mention_conditional_referencing=True)
    )
    assert blocking_rules(evaluation) == {"solution_referenced"}


def test_request_filed_on_the_referencing_date_is_admissible():
    evaluation = run(dossier(solution__referenced_on="2026-09-01", order__signed_on="2026-09-01"))
    assert evaluation.decision == "admissible"


def test_request_filed_before_the_order_was_signed():
    evaluation = run(dossier(order__signed_on="2026-09-02"))
    assert blocking_rules(evaluation) == {"advance_request_after_order_signed"}


# The exception (§6.2): complete dossier before Date 2, no decision 15 days before Date 4.


def pending(filed_on, complete_dossier_on=DATE_2 - DAY, **changes):
    traits = {
        "filed_on": filed_on,
        "solution__referencing": "pending",
        "solution__referenced_on": None,
        "solution__complete_dossier_on": complete_dossier_on,
        "order__signed_on": complete_dossier_on,
        "order__mention_conditional_referencing": True,
    }
    return dossier(**{**traits, **changes})


@pytest.mark.parametrize(
    ("filed_on", "decision"),
    [
        (EXCEPTION_FROM - DAY, "not_admissible"),
        (EXCEPTION_FROM, "admissible_subject_to_referencing"),
        (EXCEPTION_FROM + DAY, "admissible_subject_to_referencing"),
        (DATE_4, "admissible_subject_to_referencing"),
        (DATE_4 + DAY, "not_admissible"),
    ],
    ids=["day-before-window", "window-opens", "in-window", "date-4", "after-date-4"],
)
def test_exception_filing_window(filed_on, decision):
    evaluation = run(pending(filed_on))
    assert evaluation.decision == decision


@pytest.mark.parametrize(
    ("complete_dossier_on", "decision"),
    [(DATE_2 - DAY, "admissible_subject_to_referencing"), (DATE_2, "not_admissible")],
    ids=["day-before-date-2", "on-date-2"],
)
def test_exception_needs_a_complete_dossier_before_date_2(complete_dossier_on, decision):
    evaluation = run(pending(EXCEPTION_FROM, complete_dossier_on, order__signed_on=DATE_2 - DAY))
    assert evaluation.decision == decision


def test_exception_decision_carries_an_info_finding():
    evaluation = run(pending(EXCEPTION_FROM))
    (info,) = [f for f in evaluation.findings if f.rule == "advance_exception_for_delayed_referencing"]
    assert info.severity == "info" and info.section == "6.2"
    assert "sous réserve" in info.message


@pytest.mark.parametrize(
    ("filed_on", "decision"),
    [(EXCEPTION_FROM - DAY, "not_admissible"), (EXCEPTION_FROM, "admissible")],
    ids=["filed-before-the-window", "filed-in-the-window"],
)
def test_referencing_granted_after_date_4_resolves_a_request_filed_under_the_exception(filed_on, decision):
    # « une décision de référencement de l'ANS, laquelle peut intervenir postérieurement à la Date 4 »
    data = pending(filed_on, solution__referencing="granted", solution__referenced_on=DATE_4 + 10 * DAY)
    assert run(data).decision == decision


def test_no_exception_when_the_decision_came_15_days_before_date_4():
    data = pending(DATE_4, solution__referencing="refused", solution__referenced_on=EXCEPTION_FROM)
    evaluation = run(data)
    assert evaluation.decision == "not_admissible"


def test_exception_does_not_apply_to_a_refused_solution():
    evaluation = run(pending(EXCEPTION_FROM, solution__referencing="refused"))
    assert evaluation.decision == "not_admissible"
    assert outcome(evaluation, "advance_exception_for_delayed_referencing") == "not_applicable"


def test_exception_does_not_move_date_5():
    evaluation = run(pending(EXCEPTION_FROM))
    assert evaluation.deadlines["service_completion_until"].isoformat() == "2028-02-15"


@pytest.mark.parametrize(
    ("signed_on", "decision"),
    [
        (EXCEPTION_FROM - DAY, "admissible_subject_to_referencing"),
        (EXCEPTION_FROM, "admissible_subject_to_referencing"),
        (EXCEPTION_FROM + DAY, "not_admissible"),
    ],
    ids=["day-before", "on-the-date", "day-after"],
)
def test_exception_covers_only_the_orders_concluded_fifteen_days_before_date_4(signed_on, decision):
    """§6.2 « les demandes […] correspondant aux commandes conclues à cette date »."""
    evaluation = run(pending(DATE_4, order__signed_on=signed_on))
    assert evaluation.decision == decision
    if decision == "not_admissible":
        assert blocking_rules(evaluation) == {"solution_referenced"}
        entry = evaluation.trace["advance_exception_for_delayed_referencing"]
        assert "commandes conclues au plus tard le 30/09/2027" in entry.check.message


def test_a_referencing_granted_on_an_unknown_date_blocks_as_unknown():
    evaluation = run(dossier(solution__referenced_on=None))
    assert evaluation.decision == "not_admissible"
    assert blocking_rules(evaluation) == {"solution_referenced"}
    assert outcome(evaluation, "solution_referenced") == "unknown"


@pytest.mark.parametrize(("issued_on", "ok"), [("2026-08-09", True), ("2026-08-10", True), ("2026-08-11", False)],
                         ids=["day-before-signature", "signature-day", "day-after-signature"])  # fmt: skip
def test_an_order_is_issued_then_signed(issued_on, ok):
    evaluation = run(dossier(order__issued_on=issued_on))
    assert ("dossier_dates_in_order" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok

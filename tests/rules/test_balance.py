"""§6.3, §6.4 and §4.4: the balance request."""

from datetime import timedelta

import pytest

from tests.factories import DATE_4, DATE_5, DATE_6, VA_FUNCTIONS, balance_request, blocking_rules, run

DAY = timedelta(days=1)


def test_baseline_balance_is_admissible():
    evaluation = run(balance_request())
    assert evaluation.decision == "admissible"
    assert evaluation.findings == []
    assert str(evaluation.amounts.balance) == "162.00"


def test_date_4_does_not_apply_to_balances():
    data = balance_request(
        filed_on=DATE_4 + DAY,
        balance__completed_on=DATE_4 - 10 * DAY,
        balance__va__signed_on=DATE_4 - 9 * DAY,
        balance__invoice__issued_on=DATE_4 - 8 * DAY,
    )
    assert run(data).decision == "admissible"


def test_pilot_must_be_validated():
    evaluation = run(balance_request(supplier__pilot_validated=False))
    assert blocking_rules(evaluation) == {"supplier_pilot_validated"}
    assert evaluation.findings[0].section == "6.3"


def test_advance_must_be_validated():
    assert blocking_rules(run(balance_request(balance__advance_validated=False))) == {
        "balance_advance_validated"
    }


@pytest.mark.parametrize(
    ("completed_on", "ok"),
    [(DATE_5 - DAY, True), (DATE_5, True), (DATE_5 + DAY, False)],
    ids=["before", "on", "after"],
)
def test_service_completed_no_later_than_date_5(completed_on, ok):
    data = balance_request(
        filed_on=DATE_5 + DAY,
        balance__completed_on=completed_on,
        balance__end_of_service_attested_on=DATE_5,
        balance__va__signed_on=completed_on,
        balance__invoice__issued_on=DATE_5 + DAY,
    )
    evaluation = run(data)
    assert ("service_completed_no_later_than_date_5" not in blocking_rules(evaluation)) is ok


def test_balance_cannot_be_filed_before_the_service_is_completed():
    evaluation = run(balance_request(balance__completed_on="2027-12-11"))
    assert "service_completed_no_later_than_date_5" in blocking_rules(evaluation)


@pytest.mark.parametrize(
    ("filed_on", "ok"),
    [(DATE_6 - DAY, True), (DATE_6, True), (DATE_6 + DAY, False)],
    ids=["before", "on", "after"],
)
def test_balance_filed_no_later_than_date_6(filed_on, ok):
    evaluation = run(balance_request(filed_on=filed_on, balance__end_of_service_attested_on=DATE_5))
    assert ("balance_request_filed_no_later_than_date_6" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


@pytest.mark.parametrize(
    ("filed_on", "attested_on", "ok"),
    [
        (DATE_5, None, True),
        (DATE_5 + DAY, None, False),
        (DATE_5 + DAY, DATE_5 - DAY, True),
        (DATE_5 + DAY, DATE_5, True),
        (DATE_5 + 2 * DAY, DATE_5 + DAY, False),
    ],
    ids=[
        "filed-on-date-5",
        "after-without-attestation",
        "attested-before",
        "attested-on-date-5",
        "attested-late",
    ],
)
def test_balance_after_date_5_needs_an_attestation_sent_by_date_5(filed_on, attested_on, ok):
    evaluation = run(balance_request(filed_on=filed_on, balance__end_of_service_attested_on=attested_on))
    rule = "balance_after_date_5_requires_end_of_service_attestation"
    assert (rule not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


@pytest.mark.parametrize(
    ("signature", "ok"),
    [
        ("handwritten", True),
        ("cpx", True),
        ("psc", True),
        ("rgs1", True),
        ("eidas_simple", True),
        ("none", False),
    ],
)
def test_va_signature(signature, ok):
    evaluation = run(balance_request(balance__va__signature=signature))
    assert (evaluation.decision == "admissible") is ok


def test_unsigned_va():
    evaluation = run(balance_request(balance__va__signed_on=None))
    assert "va_signed_with_allowed_method" in blocking_rules(evaluation)


@pytest.mark.parametrize("missing", VA_FUNCTIONS)
def test_va_attests_each_of_the_8_key_functions(missing):
    functions = [f for f in VA_FUNCTIONS if f != missing]
    evaluation = run(balance_request(balance__va__functions=functions))
    assert blocking_rules(evaluation) == {"va_attests_key_functions"}
    assert evaluation.findings[0].section == "4.4"


def test_invoice_in_client_name():
    assert blocking_rules(run(balance_request(balance__invoice__in_client_name=False))) == {
        "invoice_in_client_name"
    }


@pytest.mark.parametrize(("amount", "ok"), [("0.00", False), ("0.01", True), (None, False)])
def test_invoice_amount_not_zero(amount, ok):
    evaluation = run(balance_request(balance__invoice__amount=amount))
    assert ("invoice_amount_not_zero" not in blocking_rules(evaluation)) is ok


@pytest.mark.parametrize(
    ("issued_delta", "ok"),
    [(-1, False), (0, True), (1, True)],
    ids=["day-before-va", "va-day", "day-after-va"],
)
def test_invoice_issued_after_the_va(issued_delta, ok):
    from datetime import date

    va_signed = date(2027, 12, 5)
    evaluation = run(balance_request(balance__invoice__issued_on=va_signed + issued_delta * DAY))
    assert ("invoice_issued_after_va_signed" not in blocking_rules(evaluation)) is ok


def test_withdrawn_referencing_blocks_the_balance():
    evaluation = run(balance_request(solution__referencing="withdrawn"))
    assert "solution_referenced" in blocking_rules(evaluation)


def test_client_status_change_is_a_warning_at_the_balance():
    evaluation = run(balance_request(client__practice="salaried"))
    assert evaluation.decision == "admissible"
    (warning,) = evaluation.findings
    assert warning.severity == "warning" and warning.rule == "client_practises_in_cabinet_liberal"


def test_balance_section_missing_is_bad_input():
    from sons.rules import InvalidDossier, parse_dossier

    data = balance_request()
    data["balance"] = None
    with pytest.raises(InvalidDossier) as error:
        parse_dossier(data)
    assert error.value.path == "balance"


def test_balance_deadlines_point_to_date_5():
    evaluation = run(balance_request())
    assert evaluation.deadlines["next"] == {"name": "service_completion_until", "date": DATE_5}

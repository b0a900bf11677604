"""§6.3, §6.4 and §4.4: the balance request."""

from datetime import date, timedelta
from decimal import Decimal

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


# The chronology of a dossier (issue 14): one blocking rule, dossier_dates_in_order.


def test_the_defect_documents_dated_after_the_filing_is_blocked():
    """Filed 2027-12-03 with a VA of 2027-12-05 and an invoice of 2027-12-06: not admissible."""
    evaluation = run(balance_request(filed_on="2027-12-03"))
    assert blocking_rules(evaluation) == {"dossier_dates_in_order"}
    message = finding_message(evaluation, "dossier_dates_in_order")
    assert "signature de la VA le 05/12/2027, après le dépôt du 03/12/2027" in message
    assert "émission de la facture le 06/12/2027, après le dépôt du 03/12/2027" in message


def test_the_defect_service_completed_before_its_order_is_blocked():
    """Completed 2026-05-20, VA 05-25, invoice 05-26, order issued 06-20 and signed 08-10: not admissible."""
    data = balance_request(
        balance__completed_on="2026-05-20",
        balance__va__signed_on="2026-05-25",
        balance__invoice__issued_on="2026-05-26",
    )
    evaluation = run(data)
    assert blocking_rules(evaluation) == {"dossier_dates_in_order"}
    message = finding_message(evaluation, "dossier_dates_in_order")
    assert (
        "signature du bon de commande le 10/08/2026, après la réalisation de la Prestation du 20/05/2026"
        in message
    )


def finding_message(evaluation, rule: str) -> str:
    return next(f.message for f in evaluation.findings if f.rule == rule)


FILED = DATE_5 - 5 * DAY  # 2028-02-10, the baseline's own documents well before


EARLIER = {"balance__completed_on": FILED - 10 * DAY, "balance__va__signed_on": FILED - 5 * DAY,
           "balance__invoice__issued_on": FILED - 5 * DAY}  # fmt: skip


@pytest.mark.parametrize("field", ["balance__va__signed_on", "balance__invoice__issued_on"])
@pytest.mark.parametrize(
    ("shift", "expected"), [(-1, True), (0, True), (1, False)], ids=["before", "on", "after"]
)
def test_no_document_dated_after_the_filing(field, shift, expected):
    data = balance_request(filed_on=FILED, **{**EARLIER, field: FILED + shift * DAY})
    assert ("dossier_dates_in_order" not in blocking_rules(run(data))) is expected


@pytest.mark.parametrize(
    ("shift", "expected"), [(-1, False), (0, True), (1, True)], ids=["before", "on", "after"]
)
def test_service_completed_on_or_after_the_order_signature(shift, expected):
    signed = date(2026, 8, 10)
    completed = signed + shift * DAY
    data = balance_request(balance__completed_on=completed, balance__va__signed_on=completed,
                           balance__invoice__issued_on=completed)  # fmt: skip
    assert ("dossier_dates_in_order" not in blocking_rules(run(data))) is expected


@pytest.mark.parametrize(
    ("shift", "expected"), [(-1, False), (0, True), (1, True)], ids=["before", "on", "after"]
)
def test_end_of_service_attestation_on_or_after_the_completion(shift, expected):
    completed = DATE_5 - 3 * DAY
    data = balance_request(
        filed_on=DATE_5 + 10 * DAY, balance__completed_on=completed, balance__va__signed_on=completed,
        balance__invoice__issued_on=completed, balance__end_of_service_attested_on=completed + shift * DAY,
    )  # fmt: skip
    evaluation = run(data)
    assert ("dossier_dates_in_order" not in blocking_rules(evaluation)) is expected
    if expected:
        assert evaluation.decision == "admissible"


@pytest.mark.parametrize(
    ("shift", "severity"), [(-1, "warning"), (0, None), (1, None)], ids=["before", "on", "after"]
)
def test_a_va_signed_before_the_completion_only_warns(shift, severity):
    completed = date(2027, 12, 1)
    evaluation = run(balance_request(balance__va__signed_on=completed + shift * DAY))
    found = [f.severity for f in evaluation.findings if f.rule == "va_signed_after_completion"]
    assert found == ([severity] if severity else [])
    assert evaluation.decision == "admissible"


# The invoice against the order (§4.4 reste à charge nul, §5.1).


@pytest.mark.parametrize(
    ("invoiced", "decision", "financed", "balance"),
    [
        ("270.01", "not_admissible", "270.00", "162.00"),
        ("270.00", "admissible", "270.00", "162.00"),
        ("269.99", "admissible", "269.99", "161.99"),
    ],
    ids=["cent-above", "equal", "cent-below"],
)
def test_invoice_against_the_financed_amount(invoiced, decision, financed, balance):
    evaluation = run(balance_request(balance__invoice__amount=invoiced))
    assert evaluation.decision == decision
    assert (str(evaluation.amounts.financed), str(evaluation.amounts.balance)) == (financed, balance)
    assert str(evaluation.amounts.advance) == "108.00"
    if decision == "not_admissible":
        assert blocking_rules(evaluation) == {"invoice_within_financed_amount"}
    lowered = [f for f in evaluation.findings if f.rule == "financed_amount_lowered_to_invoice"]
    assert bool(lowered) is (invoiced == "269.99")
    assert all(f.severity == "warning" for f in lowered)


@pytest.mark.parametrize(
    ("invoiced", "balance", "to_recover"),
    [("108.01", "0.01", None), ("108.00", "0.00", None), ("107.99", "0.00", "0.01")],
    ids=["cent-above-advance", "equal-to-advance", "cent-below-advance"],
)
def test_an_advance_above_the_invoice_is_to_be_recovered(invoiced, balance, to_recover):
    evaluation = run(balance_request(balance__invoice__amount=invoiced))
    assert evaluation.decision == "admissible"
    assert str(evaluation.amounts.balance) == balance
    assert evaluation.amounts.advance_to_recover == (None if to_recover is None else Decimal(to_recover))
    amounts = evaluation.as_dict()["amounts"]
    assert amounts.get("advance_to_recover") == to_recover


def test_the_balance_is_the_financed_amount_minus_the_advance_actually_paid():
    evaluation = run(balance_request(balance__advance_paid="100.00", balance__invoice__amount="250.00"))
    assert (str(evaluation.amounts.advance), str(evaluation.amounts.balance)) == ("100.00", "150.00")


# Training (§3.1, §4.4): required for the balance.


@pytest.mark.parametrize(
    ("delivered", "decision", "severity"),
    [(True, "admissible", None), (False, "not_admissible", "blocking"), (None, "admissible", "warning")],
    ids=["delivered", "not-delivered", "not-declared"],
)
def test_training_is_required_for_the_balance(delivered, decision, severity):
    evaluation = run(balance_request(balance__training_delivered=delivered))
    assert evaluation.decision == decision
    found = [f.severity for f in evaluation.findings if f.rule == "training_delivered_for_balance"]
    assert found == ([severity] if severity else [])
    entry = evaluation.trace["training_delivered_for_balance"]
    assert entry.severity == (severity or "blocking")

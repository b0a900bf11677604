"""§4.3 order conformity, each boundary on both sides."""

from datetime import date, timedelta

import pytest

from tests.factories import DATE_0, DATE_4, ORDER_SIGNATURE_FROM, blocking_rules, dossier, outcome, run

DAY = timedelta(days=1)


def test_baseline_order_is_conforming():
    evaluation = run(dossier())
    assert evaluation.decision == "admissible"
    assert evaluation.findings == []


@pytest.mark.parametrize(
    ("issued_on", "ok"),
    [(DATE_0 - DAY, False), (DATE_0, False), (DATE_0 + DAY, True)],
    ids=["day-before-date-0", "on-date-0", "day-after-date-0"],
)
def test_order_issued_strictly_after_date_0(issued_on, ok):
    evaluation = run(dossier(order__issued_on=issued_on))
    assert ("order_issued_after_date_0" not in blocking_rules(evaluation)) is ok


@pytest.mark.parametrize(
    ("signed_on", "ok"),
    [(ORDER_SIGNATURE_FROM - DAY, False), (ORDER_SIGNATURE_FROM, True), (ORDER_SIGNATURE_FROM + DAY, True)],
    ids=["day-before", "on", "day-after"],
)
def test_order_signed_not_before_signature_opening(signed_on, ok):
    evaluation = run(
        dossier(order__signed_on=signed_on, order__issued_on=signed_on, solution__referenced_on="2026-06-01")
    )
    assert ("order_signed_not_before_signature_opening" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


@pytest.mark.parametrize(
    ("signed_on", "ok"),
    [(DATE_4 - DAY, True), (DATE_4, True), (DATE_4 + DAY, False)],
    ids=["day-before-date-4", "on-date-4", "day-after-date-4"],
)
def test_order_signed_no_later_than_date_4(signed_on, ok):
    evaluation = run(dossier(order__signed_on=signed_on, filed_on=signed_on))
    assert ("order_signed_no_later_than_date_4" not in blocking_rules(evaluation)) is ok


def test_month_end_date_0_clamps_the_signature_start():
    # Date 0 = 2025-02-28 + 12 months = 2026-02-28 ; Date 0 = 2024-02-29 + 12 months = 2025-02-28.
    data = dossier(date_0="2024-02-29", order__issued_on="2025-02-01")
    before = run({**data, "order": {**data["order"], "signed_on": "2025-02-27"}, "filed_on": "2025-03-01"})
    on = run({**data, "order": {**data["order"], "signed_on": "2025-02-28"}, "filed_on": "2025-03-01"})
    assert "order_signed_not_before_signature_opening" in blocking_rules(before)
    assert "order_signed_not_before_signature_opening" not in blocking_rules(on)


@pytest.mark.parametrize("signature", ["handwritten", "cpx", "psc", "rgs1", "eidas_simple"])
def test_allowed_signature_methods(signature):
    assert run(dossier(order__signature=signature)).decision == "admissible"


def test_unsigned_order_is_not_admissible():
    evaluation = run(dossier(order__signature="none"))
    assert blocking_rules(evaluation) == {"order_signed_with_allowed_method"}


def test_unknown_signature_is_a_blocking_unknown():
    evaluation = run(dossier(order__signature=None))
    assert outcome(evaluation, "order_signed_with_allowed_method") == "unknown"
    assert evaluation.decision == "not_admissible"


def test_order_not_in_client_name():
    assert blocking_rules(run(dossier(order__in_client_name=False))) == {"order_in_client_name"}


@pytest.mark.parametrize(
    ("lines", "rule_fails"),
    [
        ([{"label": "Prestation Ségur", "amount": "270.00"}], False),
        ([{"label": "  prestation   ségur ", "amount": "270.00"}], False),
        ([{"label": "Installation", "amount": "270.00"}], True),
        ([], True),
        (
            [
                {"label": "Prestation Ségur", "amount": "200.00"},
                {"label": "Option agenda", "amount": "10.00"},
            ],
            True,
        ),
        (
            [
                {"label": "Prestation Ségur", "amount": "100.00"},
                {"label": "Prestation Ségur", "amount": "100.00"},
            ],
            True,
        ),
    ],
    ids=["single-line", "case-and-spaces", "no-segur-line", "no-line", "another-service", "two-segur-lines"],
)
def test_single_prestation_segur_line(lines, rule_fails):
    evaluation = run(dossier(order__lines=lines))
    assert ("order_has_single_segur_line" in blocking_rules(evaluation)) is rule_fails


def test_another_service_is_named_in_the_message():
    evaluation = run(
        dossier(
            order__lines=[
                {"label": "Prestation Ségur", "amount": "200"},
                {"label": "Option agenda", "amount": "1"},
            ]
        )
    )
    (finding,) = [f for f in evaluation.findings if f.rule == "order_has_single_segur_line"]
    assert "Option agenda" in finding.message
    assert finding.section == "4.3"


@pytest.mark.parametrize(
    ("amount", "ok"),
    [("-1.00", False), ("0.00", False), ("0.01", True)],
    ids=["negative", "zero", "one-cent"],
)
def test_order_amount_not_zero(amount, ok):
    evaluation = run(dossier(order__lines=[{"label": "Prestation Ségur", "amount": amount}]))
    assert ("order_segur_amount_not_zero" not in blocking_rules(evaluation)) is ok


@pytest.mark.parametrize(
    ("profession", "vat_rate", "cap"),
    [
        ("ide", "20", "270.00"),
        ("ide", "8.5", "244.13"),
        ("ide", "0", "225.00"),
        ("sage_femme", "20", "400.00"),
        ("ipa", "8.5", "361.67"),
        ("sage_femme", "0", "333.33"),
    ],
)
@pytest.mark.parametrize(
    ("delta", "ok"), [("-0.01", True), ("0.00", True), ("0.01", False)], ids=["below", "at", "above"]
)
def test_order_amount_within_cap_to_the_cent(profession, vat_rate, cap, delta, ok):
    from decimal import Decimal

    amount = str(Decimal(cap) + Decimal(delta))
    evaluation = run(
        dossier(
            client__profession=profession,
            order__vat_rate=vat_rate,
            supplier__vat_liable=vat_rate != "0",
            order__lines=[{"label": "Prestation Ségur", "amount": amount}],
        )
    )
    assert ("order_segur_amount_within_cap" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


def test_missing_state_funded_mention():
    evaluation = run(dossier(order__mention_state_funded=False))
    assert blocking_rules(evaluation) == {"order_carries_state_funded_mention"}
    assert "pris en charge par l'Etat" in evaluation.findings[0].message


def test_vat_rate_must_be_stated():
    evaluation = run(dossier(order__vat_rate=None))
    assert "order_states_vat_rate" in blocking_rules(evaluation)
    assert evaluation.findings[0].section == "5.2" or any(f.section == "5.2" for f in evaluation.findings)


@pytest.mark.parametrize("condition", ["re_engagement", "paid_option", "other_paid_purchase"])
def test_order_cannot_be_conditioned(condition):
    evaluation = run(dossier(order__conditioned_on=[condition]))
    assert blocking_rules(evaluation) == {"order_not_conditioned"}


@pytest.mark.parametrize(
    ("paid", "obsolete", "ok"),
    [(False, False, True), (True, True, True), (True, False, False), (True, None, False)],
    ids=["free-catch-up", "paid-from-obsolete", "paid-from-supported", "paid-unknown"],
)
def test_paid_version_catch_up_only_from_an_obsolete_version(paid, obsolete, ok):
    evaluation = run(dossier(order__paid_version_catch_up=paid, order__client_version_obsolete=obsolete))
    assert (evaluation.decision == "admissible") is ok


@pytest.mark.parametrize(("commitment", "ok"), [(True, True), (False, False), (None, False)])
def test_centre_certificate_commitment(commitment, ok):
    from tests.factories import centre

    evaluation = run(centre("B", order__centre_certificate_commitment=commitment))
    assert (evaluation.decision == "admissible") is ok
    assert ("centre_certificate_commitment" not in blocking_rules(evaluation)) is ok


def test_certificate_commitment_does_not_apply_to_a_professional():
    evaluation = run(dossier(order__centre_certificate_commitment=None))
    assert outcome(evaluation, "centre_certificate_commitment") == "not_applicable"


# Orders signed before the solution's referencing (§4.3, 120 calendar days).


def conditional(signed_on: date, complete_dossier_on: date | None, mention=True, **changes):
    traits = {
        "order__issued_on": signed_on,
        "order__signed_on": signed_on,
        "order__mention_conditional_referencing": mention,
        "solution__complete_dossier_on": complete_dossier_on,
        "solution__referenced_on": "2026-12-01",
        "filed_on": "2026-12-15",
    }
    return dossier(**{**traits, **changes})


@pytest.mark.parametrize(("days", "ok"), [(119, True), (120, True), (121, False)])
def test_conditional_order_signed_at_most_120_days_before_the_complete_dossier(days, ok):
    complete = date(2026, 11, 20)
    evaluation = run(conditional(complete - timedelta(days=days), complete))
    assert ("conditional_order_within_delay_of_complete_dossier" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


def test_conditional_order_signed_after_the_complete_dossier_is_fine():
    evaluation = run(conditional(date(2026, 11, 25), date(2026, 11, 20)))
    assert evaluation.decision == "admissible"


def test_conditional_order_needs_the_conditional_mention():
    evaluation = run(conditional(date(2026, 11, 1), date(2026, 11, 20), mention=False))
    assert blocking_rules(evaluation) == {"conditional_order_carries_mention"}


def test_order_signed_on_the_referencing_day_is_not_conditional():
    evaluation = run(dossier(order__signed_on="2026-08-01", solution__referenced_on="2026-08-01"))
    assert outcome(evaluation, "conditional_order_carries_mention") == "not_applicable"
    assert evaluation.decision == "admissible"


def test_conditional_order_without_complete_dossier_past_120_days():
    signed = date(2026, 7, 1)
    data = conditional(signed, None, solution__referencing="pending", solution__referenced_on=None)
    evaluation = run(data)
    assert "conditional_order_within_delay_of_complete_dossier" in blocking_rules(evaluation)
    assert evaluation.deadlines["complete_dossier_until"] == signed + timedelta(days=120)


# The order line's label (issue 14): case, accents and repeated spaces ignored; the finding says what was read.


@pytest.mark.parametrize(
    "label", ["PRESTATION SEGUR", "prestation  ségur", " Prestation Segur ", "Prestation\u00a0Se\u0301gur"]
)
def test_the_segur_line_label_ignores_case_accents_and_spaces(label):
    evaluation = run(dossier(order__lines=[{"label": label, "amount": "270.00"}]))
    assert evaluation.decision == "admissible"
    (note,) = [f for f in evaluation.findings if f.rule == "order_has_single_segur_line"]
    assert note.severity == "info"
    assert f"« {label} »" in note.message


@pytest.mark.parametrize("label", ["Prestation Ségur 2", "Prestations Ségur", "Prestation"])
def test_another_label_is_not_the_segur_line_and_the_finding_quotes_it(label):
    evaluation = run(dossier(order__lines=[{"label": label, "amount": "270.00"}]))
    (finding,) = [f for f in evaluation.findings if f.rule == "order_has_single_segur_line"]
    assert finding.severity == "blocking"
    assert f"lu : « {label} »" in finding.message


def test_the_exact_label_adds_no_finding():
    assert [f for f in run(dossier()).findings if f.rule == "order_has_single_segur_line"] == []


# A paid catch-up from a version declared obsolete (§4.3), checked against the declaration's rules.

CLIENT_VERSION = {
    "version": "3.0", "version_rank": 3, "declared_obsolete": True, "end_announced_on": "2025-06-14",
    "latest_in_production_at_date_0": "4.0", "vague_1_version_rank": 4,
}  # fmt: skip


def catch_up(**changes):
    version = {**CLIENT_VERSION, **changes}
    return run(dossier(order__paid_version_catch_up=True, order__client_version_obsolete=None,
                       order__client_version=version))  # fmt: skip


def test_a_paid_catch_up_from_a_properly_declared_obsolete_version():
    assert catch_up().decision == "admissible"


@pytest.mark.parametrize(("announced_on", "ok"), [("2025-06-14", True), ("2025-06-15", False), ("2025-06-16", False)],
                         ids=["day-before-date-0", "date-0", "day-after-date-0"])  # fmt: skip
def test_the_end_of_sale_was_made_public_before_date_0(announced_on, ok):
    evaluation = catch_up(end_announced_on=announced_on)
    assert ("paid_catch_up_only_from_obsolete_version" not in blocking_rules(evaluation)) is ok


@pytest.mark.parametrize(("version", "rank", "ok"), [("3.0", 3, True), ("4.0", 4, False)],
                         ids=["older-version", "latest-in-production-at-date-0"])  # fmt: skip
def test_the_latest_version_in_production_at_date_0_cannot_be_obsolete(version, rank, ok):
    evaluation = catch_up(version=version, version_rank=rank, vague_1_version_rank=None)
    assert ("paid_catch_up_only_from_obsolete_version" not in blocking_rules(evaluation)) is ok


@pytest.mark.parametrize(("vague_1", "ok"), [(4, True), (3, False), (2, False), (None, True)],
                         ids=["vague-1-after", "vague-1-version", "after-vague-1", "no-vague-1"])  # fmt: skip
def test_neither_the_vague_1_version_nor_a_later_one(vague_1, ok):
    evaluation = catch_up(vague_1_version_rank=vague_1)
    assert ("paid_catch_up_only_from_obsolete_version" not in blocking_rules(evaluation)) is ok


@pytest.mark.parametrize(
    ("changes", "outcome_"),
    [({"end_announced_on": None}, "unknown"), ({"latest_in_production_at_date_0": None}, "unknown"),
     ({"declared_obsolete": False}, "failed")],
    ids=["announcement-unknown", "latest-unknown", "not-on-the-ans-list"],
)  # fmt: skip
def test_an_unverifiable_or_absent_declaration_blocks(changes, outcome_):
    evaluation = catch_up(**changes)
    assert blocking_rules(evaluation) == {"paid_catch_up_only_from_obsolete_version"}
    assert outcome(evaluation, "paid_catch_up_only_from_obsolete_version") == outcome_

"""§5 amounts: the 21 figures of the barème, financed = min(cap, agreed), 40 % advance, de minimis."""

from datetime import date
from decimal import Decimal

import pytest

from sons.rules import evaluate, load_parameters, parse_dossier
from sons.rules.money import to_cents
from tests.factories import blocking_rules, centre, dossier, outcome, run

PROFESSIONAL_BAREME = {
    # profession: (TTC 20 %, TTC 8,5 %, HT) — AF §5.3, first table
    "sage_femme": ("400.00", "361.67", "333.33"),
    "ipa": ("400.00", "361.67", "333.33"),
    "ide": ("270.00", "244.13", "225.00"),
    "mk": ("270.00", "244.13", "225.00"),
    "orthophoniste": ("270.00", "244.13", "225.00"),
    "orthoptiste": ("270.00", "244.13", "225.00"),
    "pedicure_podologue": ("270.00", "244.13", "225.00"),
}
CENTRE_BAREME = {
    # tranche: (TTC 20 %, TTC 8,5 %, HT) — AF §5.3, second table
    "A": ("1890.00", "1708.88", "1575.00"),
    "B": ("2970.00", "2685.38", "2475.00"),
    "C": ("4050.00", "3661.88", "3375.00"),
    "D": ("4860.00", "4394.25", "4050.00"),
    "E": ("5940.00", "5370.75", "4950.00"),
}
COLUMNS = [("20", True, 0), ("8.5", True, 1), ("0", False, 2)]


def test_the_parameters_hold_the_21_published_figures():
    p = load_parameters().at(date(2026, 1, 1))
    rows = {
        "sage_femme_ipa": PROFESSIONAL_BAREME["ipa"],
        "ide_mk_orthophoniste_orthoptiste_podologue": PROFESSIONAL_BAREME["ide"],
    }
    figures = []
    for group, expected in rows.items():
        got = p.bareme_professionals[group]
        figures += [got["ttc_20"], got["ttc_8_5"], got["ht"]]
        assert (str(got["ttc_20"]), str(got["ttc_8_5"]), str(got["ht"])) == expected
    for tranche, expected in CENTRE_BAREME.items():
        got = p.bareme_centres[tranche]
        figures += [got["ttc_20"], got["ttc_8_5"], got["ht"]]
        assert (str(got["ttc_20"]), str(got["ttc_8_5"]), str(got["ht"])) == expected
    assert len(figures) == 21


@pytest.mark.parametrize("profession", list(PROFESSIONAL_BAREME))
@pytest.mark.parametrize(("vat_rate", "vat_liable", "column"), COLUMNS, ids=["ttc20", "ttc8.5", "ht"])
def test_professional_cap(profession, vat_rate, vat_liable, column):
    cap = PROFESSIONAL_BAREME[profession][column]
    evaluation = run(
        dossier(
            client__profession=profession,
            supplier__vat_liable=vat_liable,
            order__vat_rate=vat_rate,
            order__lines=[{"label": "Prestation Ségur", "amount": cap}],
        )
    )
    assert evaluation.decision == "admissible"
    assert evaluation.amounts.cap == Decimal(cap)
    assert evaluation.amounts.financed == Decimal(cap)


@pytest.mark.parametrize("tranche", list(CENTRE_BAREME))
@pytest.mark.parametrize(("vat_rate", "vat_liable", "column"), COLUMNS, ids=["ttc20", "ttc8.5", "ht"])
def test_centre_cap(tranche, vat_rate, vat_liable, column):
    cap = CENTRE_BAREME[tranche][column]
    evaluation = run(
        centre(
            tranche,
            supplier__vat_liable=vat_liable,
            order__vat_rate=vat_rate,
            order__lines=[{"label": "Prestation Ségur", "amount": cap}],
        )
    )
    assert evaluation.decision == "admissible"
    assert evaluation.amounts.cap == Decimal(cap)
    assert evaluation.amounts.financed == Decimal(cap)


@pytest.mark.parametrize(
    ("agreed", "financed", "advance", "balance"),
    [
        ("270.00", "270.00", "108.00", "162.00"),
        ("150.00", "150.00", "60.00", "90.00"),
        ("0.01", "0.01", "0.00", "0.01"),
        ("0.02", "0.02", "0.01", "0.01"),  # 0.008 rounds half-up to 0.01
        ("100.01", "100.01", "40.00", "60.01"),  # 40.004
        ("100.03", "100.03", "40.01", "60.02"),  # 40.012
        ("123.45", "123.45", "49.38", "74.07"),  # 49.38
        ("244.13", "244.13", "97.65", "146.48"),  # 97.652
        ("361.67", "361.67", "144.67", "217.00"),  # 144.668
        ("333.33", "333.33", "133.33", "200.00"),  # 133.332
        ("1708.88", "1708.88", "683.55", "1025.33"),  # 683.552
        ("5370.75", "5370.75", "2148.30", "3222.45"),
    ],
)
def test_financed_advance_balance(agreed, financed, advance, balance):
    vat_rate = "8.5" if agreed in ("244.13", "361.67", "1708.88", "5370.75") else "20"
    if agreed in ("361.67", "333.33"):
        data = dossier(client__profession="sage_femme", order__vat_rate="8.5" if agreed == "361.67" else "0",
                       supplier__vat_liable=agreed == "361.67")  # fmt: skip
    elif agreed in ("1708.88", "5370.75"):
        data = centre("A" if agreed == "1708.88" else "E", order__vat_rate=vat_rate)
    else:
        data = dossier(order__vat_rate=vat_rate)
    data["order"]["lines"] = [{"label": "Prestation Ségur", "amount": agreed}]
    amounts = run(data).amounts
    assert (amounts.financed, amounts.advance, amounts.balance) == (
        Decimal(financed),
        Decimal(advance),
        Decimal(balance),
    )
    assert amounts.advance + amounts.balance == amounts.financed


def test_rounding_is_half_up_to_the_cent():
    # 40 % of a cent amount never ends in a half cent, so the rounding function is tested directly.
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert to_cents(Decimal("0.015")) == Decimal("0.02")
    assert to_cents(Decimal("0.025")) == Decimal("0.03")  # half-even would give 0.02
    assert to_cents(Decimal("0.0049")) == Decimal("0.00")


def test_agreed_amount_above_the_cap_is_not_admissible_but_financed_is_capped():
    evaluation = run(dossier(order__lines=[{"label": "Prestation Ségur", "amount": "300.00"}]))
    assert evaluation.decision == "not_admissible"
    assert evaluation.amounts.financed == Decimal("270.00")


def test_supplier_not_vat_liable_is_paid_excluding_vat():
    evaluation = run(dossier(supplier__vat_liable=False, order__vat_rate="20"))
    # The order (270.00 TTC 20 %) is within its own barème; only the HT amount is financed (§5.2).
    assert evaluation.amounts.cap == Decimal("225.00")
    assert evaluation.amounts.financed == Decimal("225.00")
    assert evaluation.amounts.advance == Decimal("90.00")
    assert evaluation.decision == "admissible"
    assert [f.severity for f in evaluation.findings] == ["warning"]


def test_amounts_unknown_for_a_non_eligible_profession():
    evaluation = run(dossier(client__profession="dieteticien"))
    assert evaluation.amounts.cap is None
    assert evaluation.as_dict()["amounts"] == {
        "cap": None, "financed": None, "advance": None, "balance": None, "cap_column": None,
    }  # fmt: skip


def test_amounts_given_when_the_order_has_no_segur_line():
    evaluation = run(dossier(order__lines=[]))
    assert evaluation.as_dict()["amounts"]["cap"] == "270.00"
    assert evaluation.as_dict()["amounts"]["financed"] == "0.00"


@pytest.mark.parametrize(
    ("other_aid", "ok"),
    [("749729.99", True), ("749730.00", True), ("749730.01", False)],
    ids=["cent-below", "at-ceiling", "cent-above"],
)
def test_de_minimis_ceiling(other_aid, ok):
    evaluation = run(dossier(client__de_minimis_other_aid=other_aid))
    assert ("de_minimis_ceiling_respected" not in blocking_rules(evaluation)) is ok
    assert (evaluation.decision == "admissible") is ok


def test_de_minimis_declaration_is_required_for_a_professional():
    evaluation = run(dossier(client__de_minimis_other_aid=None))
    assert outcome(evaluation, "de_minimis_ceiling_respected") == "unknown"
    assert evaluation.decision == "not_admissible"


def test_de_minimis_does_not_apply_to_centres():
    evaluation = run(centre("E", client__de_minimis_other_aid="749999.00",
                            order__lines=[{"label": "Prestation Ségur", "amount": "5940.00"}]))  # fmt: skip
    assert evaluation.decision == "admissible"
    (info,) = evaluation.findings
    assert info.severity == "info"
    assert "2012/21/UE" in info.message


# De minimis over three rolling years, from the dated register of aids (§5.1).


def aid(granted_on, amount, source="declaration"):
    return {"granted_on": granted_on, "amount": amount, "source": source, "label": "aide"}


@pytest.mark.parametrize(
    ("granted_on", "counted"),
    [("2023-09-01", False), ("2023-09-02", True), ("2026-09-01", True), ("2026-09-02", False)],
    ids=["three-years-before-to-the-day", "day-after", "filing-day", "after-the-filing"],
)
def test_de_minimis_register_counts_three_rolling_years(granted_on, counted):
    # Filed on 2026-09-01: the window runs from 2023-09-02 to 2026-09-01.
    data = dossier(client__de_minimis_other_aid=None, client__de_minimis_aids=[aid(granted_on, "749730.01")])
    evaluation = run(data)
    assert ("de_minimis_ceiling_respected" in blocking_rules(evaluation)) is counted
    facts = evaluation.trace["de_minimis_ceiling_respected"].check.facts
    assert str(facts["counted_from"]) == "2023-09-01"


@pytest.mark.parametrize(
    ("amounts", "ok"),
    [
        (("500000.00", "249729.99"), True),
        (("500000.00", "249730.00"), True),
        (("500000.00", "249730.01"), False),
    ],
    ids=["cent-below", "at-ceiling", "cent-above"],
)
def test_de_minimis_register_sums_every_aid_including_other_sons_dispositifs(amounts, ok):
    register = [aid("2025-01-10", amounts[0]), aid("2026-03-01", amounts[1], source="sons")]
    evaluation = run(dossier(client__de_minimis_other_aid=None, client__de_minimis_aids=register))
    assert ("de_minimis_ceiling_respected" not in blocking_rules(evaluation)) is ok


def test_the_register_takes_precedence_over_the_declared_sum():
    evaluation = run(dossier(client__de_minimis_other_aid="749999.00", client__de_minimis_aids=[]))
    assert evaluation.decision == "admissible"


# The VAT rate applicable at the time of instruction (§5.2), from the dated parameters.


def raised_rate(on=date(2027, 1, 1)):
    return load_parameters().with_value(
        "vat_rates_in_force", on, {"20": "21", "8.5": "8.5"}, "test : taux modifié"
    )


@pytest.mark.parametrize(
    ("instructed_on", "cap", "financed", "warned"),
    [("2026-12-31", "270.00", "270.00", False), ("2027-01-01", "272.25", "272.25", True)],
    ids=["day-before-the-change", "day-of-the-change"],
)
def test_the_cap_uses_the_rate_in_force_at_instruction(instructed_on, cap, financed, warned):
    data = dossier(financing_instructed_on=instructed_on)
    evaluation = evaluate(parse_dossier(data), raised_rate())
    assert (str(evaluation.amounts.cap), str(evaluation.amounts.financed)) == (cap, financed)
    assert evaluation.decision == "admissible"
    assert (
        any(f.rule == "vat_rate_at_instruction" and f.severity == "warning" for f in evaluation.findings)
        is warned
    )
    assert ("vat_rate_at_instruction" in evaluation.as_dict()["amounts"]) is warned


def test_without_an_instruction_date_the_filing_date_is_the_instruction_date():
    evaluation = evaluate(parse_dossier(dossier()), raised_rate(on=date(2026, 9, 1)))
    assert str(evaluation.amounts.cap) == "272.25"


def test_a_rate_change_leaves_the_ht_financing_alone():
    data = dossier(financing_instructed_on="2027-06-01", supplier__vat_liable=False, order__vat_rate="0",
                   order__lines=[{"label": "Prestation Ségur", "amount": "225.00"}])  # fmt: skip
    evaluation = evaluate(parse_dossier(data), raised_rate())
    assert str(evaluation.amounts.cap) == "225.00"
    assert outcome(evaluation, "vat_rate_at_instruction") == "not_applicable"


def test_a_supplier_not_vat_liable_with_20_percent_keeps_todays_reading():
    """Issue 14: the order is checked against the stated rate's barème, only the HT maximum is financed (§5.2)."""
    evaluation = run(dossier(supplier__vat_liable=False, order__vat_rate="20"))
    assert evaluation.decision == "admissible"
    assert (str(evaluation.amounts.cap), str(evaluation.amounts.financed)) == ("225.00", "225.00")
    (warning,) = [f for f in evaluation.findings if f.severity == "warning"]
    assert warning.rule == "applicable_cap_column" and warning.section == "5.2"
    over = run(dossier(supplier__vat_liable=False, order__vat_rate="20",
                       order__lines=[{"label": "Prestation Ségur", "amount": "270.01"}]))  # fmt: skip
    assert blocking_rules(over) == {"order_segur_amount_within_cap"}

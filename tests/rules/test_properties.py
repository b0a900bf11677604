"""Properties: amounts never negative and split exactly; identifiers; the fast parser equals the declared one."""

import copy
from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from sons.rules import InvalidDossier, evaluate, parse_dossier
from sons.rules.fastparse import parse_dossier_fast
from sons.rules.identifiers import is_valid_finess, is_valid_rpps, luhn_ok
from tests.factories import balance_request, centre, dossier

cents = st.integers(min_value=-100_000, max_value=1_000_000).map(lambda c: Decimal(c).scaleb(-2))
professions = st.sampled_from(
    ["ide", "ipa", "mk", "orthophoniste", "orthoptiste", "pedicure_podologue", "sage_femme"]
)
vat = st.sampled_from([("20", True), ("8.5", True), ("0", False), ("20", False), (None, True)])


@settings(max_examples=300, deadline=None)
@given(
    amount=cents, profession=professions, vat=vat, tranche=st.sampled_from([None, "A", "B", "C", "D", "E"])
)
def test_amounts_are_consistent(amount, profession, vat, tranche):
    vat_rate, vat_liable = vat
    data = centre(tranche) if tranche else dossier(client__profession=profession)
    data["order"]["lines"] = [{"label": "Prestation Ségur", "amount": f"{amount:.2f}"}]
    data["order"]["vat_rate"] = vat_rate
    data["supplier"]["vat_liable"] = vat_liable
    amounts = evaluate(parse_dossier(data)).amounts
    assert amounts.cap is not None
    assert Decimal("0") <= amounts.financed <= amounts.cap
    assert amounts.financed <= max(amount, Decimal("0"))
    assert amounts.advance >= 0 and amounts.balance >= 0
    assert amounts.advance + amounts.balance == amounts.financed
    assert amounts.advance == (amounts.financed * Decimal("0.4")).quantize(
        Decimal("0.01"), rounding="ROUND_HALF_UP"
    )
    for value in (amounts.cap, amounts.financed, amounts.advance, amounts.balance):
        assert value == value.quantize(Decimal("0.01"))


@settings(deadline=None)  # 200 ms by default: a loaded machine pausing once is not a failure
@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_luhn_matches_python_stdnum(digits):
    assert luhn_ok(digits) == luhn.is_valid(digits)


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_every_rpps_body_has_exactly_one_key(body):
    valid = [d for d in "0123456789" if is_valid_rpps(body + d)]
    assert valid == [luhn.calc_check_digit(body)]


def test_non_ascii_digits_are_not_identifiers():
    assert not is_valid_rpps("١٠٠٠١٢٣٤٥٦٥")
    assert not is_valid_finess("７５００００００１")


day = st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31))


def mutate(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


FIELDS = [
    ("filed_on",), ("date_0",), ("request",), ("supplier", "role"), ("supplier", "vat_liable"),
    ("solution", "profiles"), ("solution", "referenced_on"), ("client", "rpps"), ("client", "other_orders"),
    ("client", "de_minimis_other_aid"), ("client", "kind"), ("order", "lines"), ("order", "signed_on"),
    ("order", "vat_rate"), ("order", "conditioned_on"), ("balance", "va", "functions"), ("balance", "invoice"),
    ("balance", "invoice", "amount"), ("balance", "va", "signed_on"), ("order", "issued_on"),
    ("financing_instructed_on",), ("client", "centre_type"), ("client", "additional_centres"),
    ("client", "de_minimis_aids"), ("order", "client_version"), ("balance", "training_delivered"),
    ("balance", "advance_paid"),
    ("balance",), ("order",),
]  # fmt: skip
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "2026-02-30", "2026-02-28", "20", "270.001", "270.00", "ide", "10001234565",
                     "2026-W01-1", "balance", "centre"]),
    st.lists(st.sampled_from(["ide", "x", {"label": "Prestation Ségur", "amount": "1.00"}, None]), max_size=3),
    st.dictionaries(st.sampled_from(["label", "amount", "signed_on"]), st.sampled_from(["1.00", None, 3])),
    # The platform's own values: real dates and amounts (and a datetime, which is not a day).
    st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    st.decimals(min_value=-1000, max_value=100_000, places=2),
    st.sampled_from([Decimal("270.001"), Decimal("NaN"), Decimal("1E+13"), datetime(2026, 9, 1, 12, 0)]),
    # The sections added by issue 14, well formed or not.
    st.sampled_from([
        [{"finess_geo": "750000028", "tranche": "B"}], [{"finess_geo": "750000027"}], [{"tranche": "B"}],
        [{"granted_on": "2025-01-01", "amount": "10.00", "source": "sons"}], [{"granted_on": "2025-01-01"}],
        {"version": "3.0", "version_rank": 3, "declared_obsolete": True}, {"version_rank": -1},
    ]),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from([dossier(), balance_request(), centre("C")]),
    field=st.sampled_from(FIELDS),
    value=VALUES,
)
def test_fast_parser_agrees_with_the_declared_parser(base, field, value):
    data = copy.deepcopy(base)
    try:
        mutate(data, field, value)
    except (TypeError, KeyError):
        return

    def outcome(parse):
        try:
            return "ok", parse(data)
        except InvalidDossier as error:
            return "error", (error.path, error.message)

    assert outcome(parse_dossier_fast) == outcome(parse_dossier)


@settings(max_examples=100, deadline=None)
@given(filed=day, signed=day, referenced=day)
def test_decision_is_always_one_of_the_three(filed, signed, referenced):
    data = dossier(filed_on=filed, order__signed_on=signed, solution__referenced_on=referenced)
    evaluation = evaluate(parse_dossier(data))
    assert evaluation.decision in {"admissible", "admissible_subject_to_referencing", "not_admissible"}
    assert (evaluation.decision == "not_admissible") == any(
        f.severity == "blocking" for f in evaluation.findings
    )
    assert evaluation.evaluated_on == filed

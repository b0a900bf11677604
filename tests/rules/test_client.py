"""§4.2 conditions on the client: eligibility, unicity, the solution's profile; bad identifiers."""

import copy
from decimal import Decimal
from typing import Any

import pytest

from sons.rules import ADMISSIBLE, NOT_ADMISSIBLE, InvalidDossier
from sons.rules.identifiers import with_luhn_key
from tests.factories import (
    ALL_PROFILES,
    BALANCE,
    FINESS,
    RPPS,
    apply,
    balance_request,
    blocking_rules,
    centre,
    dossier,
    outcome,
    run,
)

# §5.3: the cap per profession (TTC, VAT 20 %) and per centre tranche, read from the AF's tables.
PROFESSIONS = {
    "ide": Decimal("270.00"),
    "ipa": Decimal("400.00"),
    "mk": Decimal("270.00"),
    "orthophoniste": Decimal("270.00"),
    "orthoptiste": Decimal("270.00"),
    "pedicure_podologue": Decimal("270.00"),
    "sage_femme": Decimal("400.00"),
}
PROFILE_LABELS = {
    "ide": "IDE",
    "ipa": "IPA",
    "mk": "Masseur-kinésithérapeute",
    "orthophoniste": "Orthophoniste",
    "orthoptiste": "Orthoptiste",
    "pedicure_podologue": "Pédicure-podologue",
    "sage_femme": "Sage-femme",
}
WITH_ORDRE = ["ide", "ipa", "mk", "pedicure_podologue", "sage_femme"]
WITHOUT_ORDRE = ["orthophoniste", "orthoptiste"]
TRANCHES = {
    "A": Decimal("1890.00"),
    "B": Decimal("2970.00"),
    "C": Decimal("4050.00"),
    "D": Decimal("4860.00"),
    "E": Decimal("5940.00"),
}


def centre_balance(tranche: str | None = "A", **changes: Any) -> dict:
    """The conforming balance request for a centre of `tranche`."""
    data = centre(tranche, request="balance", filed_on="2027-12-10", supplier__pilot_validated=True)
    data["balance"] = copy.deepcopy(BALANCE)
    return apply(data, changes)


def finding(evaluation, rule: str):
    (found,) = [f for f in evaluation.findings if f.rule == rule]
    return found


def segur_line(amount: Decimal) -> list[dict]:
    return [{"label": "Prestation Ségur", "amount": str(amount)}]


# Eligible professions and their profile


@pytest.mark.parametrize(("profession", "cap"), PROFESSIONS.items(), ids=PROFESSIONS)
def test_each_eligible_profession_is_admissible_with_its_profile(profession, cap):
    evaluation = run(
        dossier(client__profession=profession, solution__profiles=[profession], order__lines=segur_line(cap))
    )
    assert evaluation.decision == ADMISSIBLE
    assert blocking_rules(evaluation) == set()
    assert outcome(evaluation, "client_profession_eligible") == "passed"
    assert outcome(evaluation, "solution_has_client_profile") == "passed"
    assert evaluation.amounts.cap == cap
    assert evaluation.amounts.financed == cap
    assert evaluation.amounts.advance == (cap * Decimal("0.40")).quantize(Decimal("0.01"))


@pytest.mark.parametrize("profession", PROFESSIONS, ids=PROFESSIONS)
def test_eligible_profession_without_its_profile_is_not_admissible(profession):
    others = [p for p in ALL_PROFILES if p != profession]
    evaluation = run(dossier(client__profession=profession, solution__profiles=others))
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {"solution_has_client_profile"}
    assert f"« {PROFILE_LABELS[profession]} »" in finding(evaluation, "solution_has_client_profile").message


@pytest.mark.parametrize("profession", ["medecin", "pharmacien", "chirurgien_dentiste", "ergotherapeute"])
def test_non_eligible_profession_is_not_admissible(profession):
    evaluation = run(dossier(client__profession=profession))
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {"client_profession_eligible"}
    assert outcome(evaluation, "client_profession_eligible") == "failed"
    assert profession in finding(evaluation, "client_profession_eligible").message
    assert outcome(evaluation, "solution_has_client_profile") == "not_applicable"
    assert evaluation.amounts.cap is None


def test_unknown_profession_is_not_admissible():
    evaluation = run(dossier(client__profession=None))
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {"client_profession_eligible"}
    assert outcome(evaluation, "client_profession_eligible") == "unknown"


# Practice in a cabinet libéral


@pytest.mark.parametrize(
    ("practice", "expected_outcome"),
    [("liberal", "passed"), ("salaried", "failed"), ("other", "failed"), (None, "unknown")],
    ids=["liberal", "salaried", "other", "unknown"],
)
def test_professional_must_practise_in_cabinet_liberal(practice, expected_outcome):
    evaluation = run(dossier(client__practice=practice))
    assert outcome(evaluation, "client_practises_in_cabinet_liberal") == expected_outcome
    if practice == "liberal":
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {"client_practises_in_cabinet_liberal"}


# Registration with the Ordre


@pytest.mark.parametrize("profession", WITH_ORDRE)
@pytest.mark.parametrize(
    ("registered", "expected_outcome"),
    [(True, "passed"), (False, "failed"), (None, "unknown")],
    ids=["registered", "not-registered", "unknown"],
)
def test_ordre_registration_required(profession, registered, expected_outcome):
    evaluation = run(dossier(client__profession=profession, client__registered_with_order=registered))
    assert outcome(evaluation, "client_registered_with_ordre") == expected_outcome
    if registered:
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {"client_registered_with_ordre"}
        assert "Ordre" in finding(evaluation, "client_registered_with_ordre").message


@pytest.mark.parametrize("profession", WITHOUT_ORDRE)
@pytest.mark.parametrize("registered", [True, False, None], ids=["registered", "not-registered", "unknown"])
def test_ordre_registration_not_required_for_orthophoniste_and_orthoptiste(profession, registered):
    evaluation = run(dossier(client__profession=profession, client__registered_with_order=registered))
    assert evaluation.decision == ADMISSIBLE
    assert blocking_rules(evaluation) == set()
    assert outcome(evaluation, "client_registered_with_ordre") == "not_applicable"


# RPPS


@pytest.mark.parametrize("request_kind", ["advance", "balance"])
def test_professional_without_rpps_is_not_admissible(request_kind):
    build = dossier if request_kind == "advance" else balance_request
    evaluation = run(build(client__rpps=None))
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {"client_has_rpps"}
    assert "RPPS" in finding(evaluation, "client_has_rpps").message


# Centres de santé infirmiers


@pytest.mark.parametrize(("tranche", "cap"), TRANCHES.items(), ids=TRANCHES)
def test_centre_of_each_tranche_is_admissible_with_its_cap(tranche, cap):
    evaluation = run(centre(tranche, order__lines=segur_line(cap)))
    assert evaluation.decision == ADMISSIBLE
    assert blocking_rules(evaluation) == set()
    assert outcome(evaluation, "centre_in_base_de_reference") == "passed"
    assert outcome(evaluation, "client_profession_eligible") == "not_applicable"
    assert outcome(evaluation, "client_has_rpps") == "not_applicable"
    assert evaluation.amounts.cap == cap
    assert evaluation.amounts.financed == cap


def test_centre_not_in_base_de_reference_is_not_admissible():
    evaluation = run(centre(None))
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {"centre_in_base_de_reference"}
    assert "Base de référence" in finding(evaluation, "centre_in_base_de_reference").message
    assert evaluation.amounts.cap is None


@pytest.mark.parametrize(
    ("field", "rule", "fragment"),
    [
        ("accord_national_2015", "centre_signed_accord_national_2015", "accord national"),
        ("staff_declared", "centre_declared_staff", "effectifs"),
    ],
    ids=["accord-national", "staff-declared"],
)
@pytest.mark.parametrize(
    ("value", "expected_outcome"),
    [(True, "passed"), (False, "failed"), (None, "unknown")],
    ids=["yes", "no", "unknown"],
)
def test_centre_conditions(field, rule, fragment, value, expected_outcome):
    evaluation = run(centre("B", **{f"client__{field}": value}))
    assert outcome(evaluation, rule) == expected_outcome
    if value:
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {rule}
        assert fragment in finding(evaluation, rule).message


@pytest.mark.parametrize("request_kind", ["advance", "balance"])
def test_centre_without_finess_is_not_admissible(request_kind):
    data = (
        centre("A", client__finess_geo=None)
        if request_kind == "advance"
        else centre_balance("A", client__finess_geo=None)
    )
    evaluation = run(data)
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {"centre_has_finess_geo"}
    assert "FINESS" in finding(evaluation, "centre_has_finess_geo").message


# Unicity


@pytest.mark.parametrize(
    "build", [dossier, centre, balance_request], ids=["professional", "centre", "balance"]
)
@pytest.mark.parametrize(
    ("other_orders", "ok"), [(0, True), (1, False), (3, False)], ids=["none", "one", "three"]
)
def test_client_benefits_from_a_single_segur_order(build, other_orders, ok):
    evaluation = run(build(client__other_orders=other_orders))
    if ok:
        assert evaluation.decision == ADMISSIBLE
        assert outcome(evaluation, "client_single_segur_order") == "passed"
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {"client_single_segur_order"}
        assert (
            f"{other_orders} autre(s) commande(s)" in finding(evaluation, "client_single_segur_order").message
        )


def test_unicity_unknown_is_not_admissible():
    evaluation = run(dossier(client__other_orders=None))
    assert blocking_rules(evaluation) == {"client_single_segur_order"}
    assert outcome(evaluation, "client_single_segur_order") == "unknown"


# Profiles for a centre: « Centre de santé infirmier » and « IDE »


@pytest.mark.parametrize(
    ("profiles", "missing"),
    [
        (["centre_sante_infirmier", "ide"], []),
        (["centre_sante_infirmier"], ["IDE"]),
        (["ide"], ["Centre de santé infirmier"]),
        (["mk", "sage_femme"], ["Centre de santé infirmier", "IDE"]),
    ],
    ids=["both", "centre-only", "ide-only", "neither"],
)
def test_centre_requires_centre_and_ide_profiles(profiles, missing):
    evaluation = run(centre("A", solution__profiles=profiles))
    if not missing:
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {"solution_has_client_profile"}
        message = finding(evaluation, "solution_has_client_profile").message
        for label in missing:
            assert f"« {label} »" in message


# At the balance, the client's status is reported, not blocking


STATUS_CHANGES = [
    pytest.param(balance_request, dossier, {"client__practice": "salaried"},
                 "client_practises_in_cabinet_liberal", id="practice-salaried"),
    pytest.param(balance_request, dossier, {"client__practice": "other"},
                 "client_practises_in_cabinet_liberal", id="practice-other"),
    pytest.param(balance_request, dossier, {"client__registered_with_order": False},
                 "client_registered_with_ordre", id="ordre-not-registered"),
    pytest.param(balance_request, dossier, {"client__registered_with_order": None},
                 "client_registered_with_ordre", id="ordre-unknown"),
    pytest.param(centre_balance, centre, {"client__tranche": None},
                 "centre_in_base_de_reference", id="not-in-base-de-reference"),
    pytest.param(centre_balance, centre, {"client__accord_national_2015": False},
                 "centre_signed_accord_national_2015", id="accord-not-signed"),
    pytest.param(centre_balance, centre, {"client__staff_declared": False},
                 "centre_declared_staff", id="staff-not-declared"),
    pytest.param(centre_balance, centre, {"client__staff_declared": None},
                 "centre_declared_staff", id="staff-unknown"),
]  # fmt: skip


@pytest.mark.parametrize(("balance_build", "advance_build", "changes", "rule"), STATUS_CHANGES)
def test_client_status_is_a_warning_at_the_balance(balance_build, advance_build, changes, rule):
    evaluation = run(balance_build(**changes))
    assert finding(evaluation, rule).severity == "warning"
    if rule == "centre_in_base_de_reference":
        # Out of the Base de référence the centre has no tranche: no cap, so no balance can be paid.
        assert blocking_rules(evaluation) == {"cap_amount"}
        assert evaluation.decision == NOT_ADMISSIBLE
    else:
        assert blocking_rules(evaluation) == set()
        assert evaluation.decision == ADMISSIBLE


@pytest.mark.parametrize(("balance_build", "advance_build", "changes", "rule"), STATUS_CHANGES)
def test_client_status_blocks_the_advance(balance_build, advance_build, changes, rule):
    evaluation = run(advance_build(**changes))
    assert blocking_rules(evaluation) == {rule}
    assert evaluation.decision == NOT_ADMISSIBLE


def test_conforming_centre_balance_has_no_finding():
    evaluation = run(centre_balance("C"))
    assert evaluation.decision == ADMISSIBLE
    assert blocking_rules(evaluation) == set()
    assert [f for f in evaluation.findings if f.severity == "warning"] == []


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"client__profession": "medecin"}, "client_profession_eligible"),
        ({"client__other_orders": 1}, "client_single_segur_order"),
        ({"solution__profiles": ["mk"]}, "solution_has_client_profile"),
    ],
    ids=["non-eligible-profession", "second-order", "missing-profile"],
)
def test_eligibility_itself_stays_blocking_at_the_balance(changes, rule):
    evaluation = run(balance_request(**changes))
    assert evaluation.decision == NOT_ADMISSIBLE
    # A non-eligible profession has no cap either: the balance amount cannot be determined.
    expected = {rule, "cap_amount"} if rule == "client_profession_eligible" else {rule}
    assert blocking_rules(evaluation) == expected


# Bad input: identifiers with a wrong Luhn key


def wrong_keys(identifier: str) -> list[str]:
    return [identifier[:-1] + digit for digit in "0123456789" if digit != identifier[-1]]


def test_baseline_identifiers_have_valid_keys():
    assert run(dossier(client__rpps=RPPS)).decision == ADMISSIBLE
    assert run(centre("A", client__finess_geo=FINESS)).decision == ADMISSIBLE


@pytest.mark.parametrize("rpps", wrong_keys(RPPS))
def test_rpps_with_wrong_luhn_key_is_invalid_input(rpps):
    with pytest.raises(InvalidDossier) as raised:
        run(dossier(client__rpps=rpps))
    assert raised.value.path == "client.rpps"
    assert "Luhn" in raised.value.message


@pytest.mark.parametrize("finess", wrong_keys(FINESS))
def test_finess_with_wrong_luhn_key_is_invalid_input(finess):
    with pytest.raises(InvalidDossier) as raised:
        run(centre("A", client__finess_geo=finess))
    assert raised.value.path == "client.finess_geo"
    assert "Luhn" in raised.value.message


# Centre types (§1.2 note 3, §4.2): only the centres de santé infirmiers.


@pytest.mark.parametrize(
    ("centre_type", "tranche", "decision"),
    [
        ("infirmier", "A", ADMISSIBLE),
        (
            None,
            "A",
            ADMISSIBLE,
        ),  # read from the Base de référence, which lists only centres de santé infirmiers
        ("polyvalent", "A", NOT_ADMISSIBLE),
        ("medical", "A", NOT_ADMISSIBLE),
        ("dentaire", "A", NOT_ADMISSIBLE),
    ],
)
def test_only_a_centre_de_sante_infirmier_is_eligible(centre_type, tranche, decision):
    evaluation = run(centre(tranche, client__centre_type=centre_type))
    assert evaluation.decision == decision
    if decision == NOT_ADMISSIBLE:
        assert blocking_rules(evaluation) == {"centre_is_centre_de_sante_infirmier"}
        assert (
            "relève d'un autre dispositif"
            in finding(evaluation, "centre_is_centre_de_sante_infirmier").message
        )
    else:
        assert outcome(evaluation, "centre_is_centre_de_sante_infirmier") == "passed"


def test_a_centre_type_is_not_silently_assumed_when_the_base_does_not_list_the_centre():
    evaluation = run(centre(None))
    assert blocking_rules(evaluation) == {"centre_in_base_de_reference"}
    assert outcome(evaluation, "centre_is_centre_de_sante_infirmier") == "not_applicable"
    entry = evaluation.trace["centre_is_centre_de_sante_infirmier"]
    assert "Type du centre non renseigné" in entry.check.message


def test_an_excluded_centre_type_only_warns_at_the_balance():
    evaluation = run(centre_balance("A", client__centre_type="dentaire"))
    assert evaluation.decision == ADMISSIBLE
    assert finding(evaluation, "centre_is_centre_de_sante_infirmier").severity == "warning"


def test_a_professional_has_no_centre_type():
    assert outcome(run(dossier()), "centre_is_centre_de_sante_infirmier") == "not_applicable"


# Orders for several centres (§4.2 « un ou plusieurs Centres de santé infirmier »), per FINESS géographique.

FINESS_2 = with_luhn_key("75000002")
FINESS_3 = with_luhn_key("75000003")


def other_centre(finess=FINESS_2, tranche="B", **changes):
    facts = {"finess_geo": finess, "tranche": tranche, "centre_type": "infirmier", "accord_national_2015": True,
             "staff_declared": True, "other_orders": 0, "certificate_commitment": True}  # fmt: skip
    return {**facts, **changes}


def line(finess, amount):
    return {"label": "Prestation Ségur", "amount": amount, "finess_geo": finess}


def several(*others, lines=None, **changes):
    """An order for the baseline centre (tranche A) and `others`, one line per centre at its cap."""
    lines = lines or [line(FINESS, "1890.00"), *(line(o["finess_geo"], CAPS[o["tranche"]]) for o in others)]
    return centre("A", client__additional_centres=list(others), order__lines=lines, **changes)


CAPS = {tranche: str(cap) for tranche, cap in TRANCHES.items()}


def test_an_order_for_two_centres_is_financed_per_finess():
    evaluation = run(several(other_centre()))
    assert evaluation.decision == ADMISSIBLE, evaluation.findings
    assert str(evaluation.amounts.cap) == "4860.00"  # 1 890 (A) + 2 970 (B)
    assert str(evaluation.amounts.financed) == "4860.00"
    assert str(evaluation.amounts.advance) == "1944.00"
    assert evaluation.as_dict()["amounts"]["centres"] == [
        {"finess_geo": FINESS, "tranche": "A", "cap": "1890.00", "financed": "1890.00"},
        {"finess_geo": FINESS_2, "tranche": "B", "cap": "2970.00", "financed": "2970.00"},
    ]


@pytest.mark.parametrize(("amount", "ok"), [("2969.99", True), ("2970.00", True), ("2970.01", False)],
                         ids=["cent-below", "at-cap", "cent-above"])  # fmt: skip
def test_each_centre_line_is_held_to_its_own_tranche(amount, ok):
    evaluation = run(several(other_centre(), lines=[line(FINESS, "1890.00"), line(FINESS_2, amount)]))
    assert ("order_segur_amount_within_cap" not in blocking_rules(evaluation)) is ok
    if not ok:
        assert FINESS_2 in finding(evaluation, "order_segur_amount_within_cap").message


def test_a_centre_line_cannot_lend_its_margin_to_another():
    # 1 900 for A (cap 1 890) and 2 960 for B (cap 2 970): the total is within the sum, each line is not.
    evaluation = run(several(other_centre(), lines=[line(FINESS, "1900.00"), line(FINESS_2, "2960.00")]))
    assert blocking_rules(evaluation) == {"order_segur_amount_within_cap"}


@pytest.mark.parametrize(
    "lines",
    [
        [line(FINESS, "1890.00")],  # no line for the second centre
        [line(FINESS, "1890.00"), line(FINESS, "100.00"), line(FINESS_2, "2970.00")],  # two for the first
        [line(FINESS, "1890.00"), line(FINESS_3, "2970.00")],  # a centre the order does not cover
        [line(FINESS, "1890.00"), {"label": "Prestation Ségur", "amount": "2970.00"}],  # no FINESS
    ],
    ids=["missing", "twice", "stranger", "without-finess"],
)
def test_one_segur_line_per_centre_naming_its_finess(lines):
    evaluation = run(several(other_centre(), lines=lines))
    assert "order_has_single_segur_line" in blocking_rules(evaluation)


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"tranche": None}, "centre_in_base_de_reference"),
        ({"centre_type": "polyvalent"}, "centre_is_centre_de_sante_infirmier"),
        ({"accord_national_2015": False}, "centre_signed_accord_national_2015"),
        ({"staff_declared": None}, "centre_declared_staff"),
        ({"other_orders": 1}, "client_single_segur_order"),
        ({"certificate_commitment": False}, "centre_certificate_commitment"),
    ],
)
def test_each_condition_applies_to_each_centre(changes, rule):
    evaluation = run(
        several(other_centre(**changes), lines=[line(FINESS, "1890.00"), line(FINESS_2, "100.00")])
    )
    assert rule in blocking_rules(evaluation)
    assert FINESS_2 in finding(evaluation, rule).message
    assert FINESS not in finding(evaluation, rule).message.replace(FINESS_2, "")


def test_a_centre_named_twice_in_one_order_is_refused():
    evaluation = run(several(other_centre(finess=FINESS, tranche="A"),
                             lines=[line(FINESS, "1890.00"), line(FINESS, "1890.00")]))  # fmt: skip
    assert "client_single_segur_order" in blocking_rules(evaluation)
    assert "plusieurs fois le même centre" in finding(evaluation, "client_single_segur_order").message


def test_a_single_centre_order_reads_as_before():
    evaluation = run(centre("C"))
    assert "centres" not in evaluation.as_dict()["amounts"]
    assert evaluation.trace["client_single_segur_order"].check.facts == {"client.other_orders": 0}

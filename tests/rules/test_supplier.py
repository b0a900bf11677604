"""§4.1 conditions on the supplier, §6 its enrolment state, §6.1 the enrolment request itself."""

import copy
from datetime import date
from typing import Any

import pytest

from sons.rules import ADMISSIBLE, NOT_ADMISSIBLE, evaluate_enrolment
from tests.factories import apply, balance_request, blocking_rules, dossier, outcome, run

REQUESTS = {"advance": dossier, "balance": balance_request}
ENROLLED_ON = date(2026, 1, 10)

SECTION_4_1_RULES = {
    "supplier_is_publisher_or_declared_distributor",
    "distributor_holds_publisher_mandate",
    "solution_sold_on_competitive_market",
    "supplier_has_psc_user_service_operator_habilitation",
}
SECTION_6_1_RULES = {"enrolment_after_candidature_validated", "enrolment_health_data_hosting_justified"}

DISTRIBUTOR = {"supplier__role": "distributor", "supplier__declared_by_publisher": True,
               "supplier__publisher_mandate": True}  # fmt: skip


def finding(evaluation, rule: str):
    (found,) = [f for f in evaluation.findings if f.rule == rule]
    return found


# §4.1 — publisher or declared distributor with a mandate


@pytest.mark.parametrize("request_kind", REQUESTS)
def test_publisher_is_admissible_and_mandate_is_not_applicable(request_kind):
    evaluation = run(REQUESTS[request_kind](supplier__declared_by_publisher=False,
                                            supplier__publisher_mandate=False))  # fmt: skip
    assert evaluation.decision == ADMISSIBLE
    assert blocking_rules(evaluation) == set()
    assert outcome(evaluation, "supplier_is_publisher_or_declared_distributor") == "passed"
    assert outcome(evaluation, "distributor_holds_publisher_mandate") == "not_applicable"


@pytest.mark.parametrize("request_kind", REQUESTS)
def test_declared_distributor_with_mandate_is_admissible(request_kind):
    evaluation = run(REQUESTS[request_kind](**DISTRIBUTOR))
    assert evaluation.decision == ADMISSIBLE
    assert outcome(evaluation, "supplier_is_publisher_or_declared_distributor") == "passed"
    assert outcome(evaluation, "distributor_holds_publisher_mandate") == "passed"


@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize(
    ("changes", "rule", "expected_outcome", "fragment"),
    [
        ({"supplier__declared_by_publisher": False}, "supplier_is_publisher_or_declared_distributor",
         "failed", "pas été déclaré auprès de l'ANS"),
        ({"supplier__declared_by_publisher": None}, "supplier_is_publisher_or_declared_distributor",
         "unknown", "non renseignée"),
        ({"supplier__publisher_mandate": False}, "distributor_holds_publisher_mandate",
         "failed", "mandat"),
        ({"supplier__publisher_mandate": None}, "distributor_holds_publisher_mandate",
         "unknown", "Mandat"),
    ],
    ids=["not-declared", "declaration-unknown", "no-mandate", "mandate-unknown"],
)  # fmt: skip
def test_distributor_must_be_declared_and_mandated(request_kind, changes, rule, expected_outcome, fragment):
    evaluation = run(REQUESTS[request_kind](**{**DISTRIBUTOR, **changes}))
    assert evaluation.decision == NOT_ADMISSIBLE
    assert blocking_rules(evaluation) == {rule}
    assert outcome(evaluation, rule) == expected_outcome
    assert fragment in finding(evaluation, rule).message


# §4.1 — competitive market


@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize(
    ("market", "expected_outcome", "fragment"),
    [
        ("open", "passed", None),
        ("self_edited", "failed", "autoéditée"),
        ("members_only", "failed", "membres du groupement"),
        (None, "unknown", "non renseigné"),
    ],
    ids=["open", "self-edited", "members-only", "unknown"],
)
def test_solution_sold_on_a_competitive_market(request_kind, market, expected_outcome, fragment):
    evaluation = run(REQUESTS[request_kind](solution__market=market))
    assert outcome(evaluation, "solution_sold_on_competitive_market") == expected_outcome
    if fragment is None:
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {"solution_sold_on_competitive_market"}
        assert fragment in finding(evaluation, "solution_sold_on_competitive_market").message


# §4.1 — Pro Santé Connect habilitation


@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize(
    ("habilitation", "expected_outcome"),
    [(True, "passed"), (False, "failed"), (None, "unknown")],
    ids=["habilitated", "not-habilitated", "unknown"],
)
def test_supplier_holds_psc_user_service_operator_habilitation(request_kind, habilitation, expected_outcome):
    evaluation = run(REQUESTS[request_kind](supplier__psc_user_service_operator=habilitation))
    rule = "supplier_has_psc_user_service_operator_habilitation"
    assert outcome(evaluation, rule) == expected_outcome
    if habilitation:
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {rule}
        assert "Opérateur de service utilisateur" in finding(evaluation, rule).message


# §6 — enrolment with the ASP, on both requests


@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize(
    ("enrolment", "expected_outcome", "fragment"),
    [
        ("validated", "passed", None),
        ("none", "failed", "n'est pas enrôlé"),
        ("filed", "failed", "pas encore validée"),
        ("rejected", "failed", "rejeté"),
        (None, "unknown", "non renseigné"),
    ],
    ids=["validated", "none", "filed", "rejected", "unknown"],
)
def test_request_requires_validated_enrolment(request_kind, enrolment, expected_outcome, fragment):
    evaluation = run(REQUESTS[request_kind](supplier__enrolment=enrolment))
    assert outcome(evaluation, "supplier_enrolment_validated") == expected_outcome
    if fragment is None:
        assert evaluation.decision == ADMISSIBLE
        assert blocking_rules(evaluation) == set()
    else:
        assert evaluation.decision == NOT_ADMISSIBLE
        assert blocking_rules(evaluation) == {"supplier_enrolment_validated"}
        assert fragment in finding(evaluation, "supplier_enrolment_validated").message


# §6.1 — the enrolment request


ENROLMENT: dict[str, Any] = {
    "supplier": {
        "role": "publisher",
        "declared_by_publisher": None,
        "publisher_mandate": None,
        "psc_user_service_operator": True,
        "hosts_health_data": True,
        "hds_certificates": ["hebergeur_infrastructure_physique"],
        "sworn_statement": None,
    },
    "solution": {"market": "open", "candidature_validated": True},
}


def enrolment(**changes: Any) -> dict:
    return apply(copy.deepcopy(ENROLMENT), changes)


def enrolment_blocking(result) -> set[str]:
    return {f.rule for f in result.findings if f.severity == "blocking"}


def test_conforming_enrolment_is_granted():
    result = evaluate_enrolment(enrolment(), ENROLLED_ON)
    assert result.ok is True
    assert result.findings == []


def test_enrolment_ruleset_is_section_4_1_and_6_1_without_the_enrolment_state():
    result = evaluate_enrolment(enrolment(), ENROLLED_ON)
    names = {entry.rule.name for entry in result.trace}
    assert names == SECTION_4_1_RULES | SECTION_6_1_RULES


@pytest.mark.parametrize(
    ("validated", "ok"),
    [(True, True), (False, False), (None, False)],
    ids=["validated", "not-validated", "unknown"],
)
def test_enrolment_only_after_candidature_validated_by_ans(validated, ok):
    result = evaluate_enrolment(enrolment(solution__candidature_validated=validated), ENROLLED_ON)
    assert result.ok is ok
    if ok:
        assert enrolment_blocking(result) == set()
    else:
        assert enrolment_blocking(result) == {"enrolment_after_candidature_validated"}
        assert "candidature" in result.findings[0].message


@pytest.mark.parametrize(
    ("changes", "ok", "fragment"),
    [
        ({"supplier__hds_certificates": ["hebergeur_infrastructure_physique"]}, True, None),
        ({"supplier__hds_certificates": ["hebergeur_infogere"]}, True, None),
        ({"supplier__hds_certificates": ["hebergeur_infrastructure_physique", "hebergeur_infogere"]}, True, None),
        ({"supplier__hds_certificates": []}, False, "HDS"),
        ({"supplier__hds_certificates": [], "supplier__sworn_statement": True}, False, "HDS"),
    ],
    ids=["physical-certificate", "managed-certificate", "both-certificates", "no-certificate",
         "sworn-statement-instead-of-certificate"],
)  # fmt: skip
def test_hosting_health_data_requires_hds_certificates(changes, ok, fragment):
    result = evaluate_enrolment(enrolment(supplier__hosts_health_data=True, **changes), ENROLLED_ON)
    assert result.ok is ok
    if ok:
        assert enrolment_blocking(result) == set()
    else:
        assert enrolment_blocking(result) == {"enrolment_health_data_hosting_justified"}
        assert fragment in result.findings[0].message


@pytest.mark.parametrize(
    ("changes", "ok"),
    [
        ({"supplier__sworn_statement": True}, True),
        ({"supplier__sworn_statement": False}, False),
        ({"supplier__sworn_statement": None}, False),
        ({"supplier__sworn_statement": None, "supplier__hds_certificates": ["hebergeur_infogere"]}, False),
    ],
    ids=[
        "sworn-statement",
        "no-sworn-statement",
        "sworn-statement-unknown",
        "certificate-instead-of-statement",
    ],
)
def test_no_hosting_requires_sworn_statement(changes, ok):
    result = evaluate_enrolment(enrolment(supplier__hosts_health_data=False, **changes), ENROLLED_ON)
    assert result.ok is ok
    if ok:
        assert enrolment_blocking(result) == set()
    else:
        assert enrolment_blocking(result) == {"enrolment_health_data_hosting_justified"}
        assert "déclaration sur l'honneur" in result.findings[0].message


def test_hosting_unknown_blocks_the_enrolment():
    result = evaluate_enrolment(enrolment(supplier__hosts_health_data=None), ENROLLED_ON)
    assert result.ok is False
    assert enrolment_blocking(result) == {"enrolment_health_data_hosting_justified"}
    assert result.trace["enrolment_health_data_hosting_justified"].check.outcome == "unknown"


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"supplier__role": "distributor", "supplier__declared_by_publisher": False,
          "supplier__publisher_mandate": True}, "supplier_is_publisher_or_declared_distributor"),
        ({"supplier__role": "distributor", "supplier__declared_by_publisher": None,
          "supplier__publisher_mandate": True}, "supplier_is_publisher_or_declared_distributor"),
        ({"supplier__role": "distributor", "supplier__declared_by_publisher": True,
          "supplier__publisher_mandate": False}, "distributor_holds_publisher_mandate"),
        ({"solution__market": "self_edited"}, "solution_sold_on_competitive_market"),
        ({"solution__market": "members_only"}, "solution_sold_on_competitive_market"),
        ({"supplier__psc_user_service_operator": False}, "supplier_has_psc_user_service_operator_habilitation"),
        ({"supplier__psc_user_service_operator": None}, "supplier_has_psc_user_service_operator_habilitation"),
    ],
    ids=["distributor-not-declared", "distributor-declaration-unknown", "distributor-without-mandate",
         "self-edited", "members-only", "no-psc-habilitation", "psc-habilitation-unknown"],
)  # fmt: skip
def test_section_4_1_conditions_apply_to_the_enrolment(changes, rule):
    result = evaluate_enrolment(enrolment(**changes), ENROLLED_ON)
    assert result.ok is False
    assert enrolment_blocking(result) == {rule}


def test_declared_and_mandated_distributor_is_enrolled():
    result = evaluate_enrolment(
        enrolment(supplier__role="distributor", supplier__declared_by_publisher=True,
                  supplier__publisher_mandate=True),
        ENROLLED_ON,
    )  # fmt: skip
    assert result.ok is True
    assert result.findings == []

"""The parameter files: schema, sections, dated values read at a date."""

from datetime import date
from decimal import Decimal

import jsonschema
import pytest

from sons.rules import evaluate, load_parameters, parse_dossier
from sons.rules.params import ParameterNotInForce, raw_parameter_files
from tests.factories import dossier

SECTIONS = {"2", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6", "6.1", "6.2", "6.3", "6.4", "7", "9"}

PARAMETER_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "required": ["description", "section", "unit", "values"],
        "additionalProperties": False,
        "properties": {
            "description": {"type": "string", "minLength": 10},
            "section": {"enum": sorted(SECTIONS)},
            "unit": {
                "enum": [
                    "date",
                    "months",
                    "days",
                    "ratio",
                    "clients",
                    "EUR",
                    "mapping",
                    "codes",
                    "texts",
                    "years",
                ]
            },
            "values": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["from", "value", "reference"],
                    "additionalProperties": False,
                    "properties": {"from": {}, "value": {}, "reference": {"type": "string", "minLength": 5}},
                },
            },
        },
    },
}


@pytest.mark.parametrize("name", sorted(raw_parameter_files()))
def test_parameter_file_matches_the_schema(name):
    document = raw_parameter_files()[name]
    jsonschema.validate(document, PARAMETER_SCHEMA)
    for table in document.values():
        for value in table["values"]:
            assert isinstance(value["from"], date), "« from » est une date TOML"


def test_every_figure_of_the_issue_is_a_parameter():
    names = set(load_parameters().parameters)
    expected = {
        "date_0", "date_offsets_months", "order_signature_from_months", "conditional_order_days",
        "exception_days_before_date_4", "formal_notice_days", "advance_share", "pilot_size",
        "bareme_professionals", "bareme_centres", "de_minimis_ceiling", "de_minimis_window_years",
        "signature_methods", "required_profiles", "va_key_functions", "training_topics",
    }  # fmt: skip
    assert expected <= names


def test_published_figures():
    p = load_parameters().at(date(2026, 1, 1))
    assert p.date_offsets_months == {
        "date_1": 7,
        "date_2": 22,
        "date_3": 25,
        "date_4": 28,
        "date_5": 32,
        "date_6": 35,
    }
    assert (p.order_signature_from_months, p.conditional_order_days, p.exception_days_before_date_4) == (
        12,
        120,
        15,
    )
    assert p.advance_share == Decimal("0.40")
    assert p.pilot_size == 5
    assert p.de_minimis_ceiling == Decimal("750000.00")
    assert p.va_key_functions == [
        "psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received", "send_mes",
        "consult_mes", "segur_documents",
    ]  # fmt: skip
    assert p.required_profiles["centre"] == ["centre_sante_infirmier", "ide"]
    assert set(p.signature_methods) == {"handwritten", "cpx", "psc", "rgs1", "eidas_simple"}


def test_value_in_force_at_the_evaluation_date():
    parameters = load_parameters().with_value(
        "bareme_professionals",
        date(2027, 1, 1),
        {
            "sage_femme_ipa": {
                "ttc_20": Decimal("400.00"),
                "ttc_8_5": Decimal("361.67"),
                "ht": Decimal("333.33"),
            },
            "ide_mk_orthophoniste_orthoptiste_podologue": {
                "ttc_20": Decimal("300.00"),
                "ttc_8_5": Decimal("271.25"),
                "ht": Decimal("250.00"),
            },
        },
        "arrêté modificatif fictif, pour le test",
    )
    before = evaluate(parse_dossier(dossier(filed_on="2026-12-31")), parameters)
    on = evaluate(parse_dossier(dossier(filed_on="2027-01-01")), parameters)
    assert before.amounts.cap == Decimal("270.00")
    assert on.amounts.cap == Decimal("300.00")


def test_no_value_before_the_first_effective_date():
    with pytest.raises(ParameterNotInForce, match="advance_share"):
        load_parameters()["advance_share"].at(date(2024, 12, 31))

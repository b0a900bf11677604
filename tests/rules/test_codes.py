"""The code lists: declared once, read by the contract, the schema and the evaluation's output."""

import pytest

from sons.rules import codes, json_schema, load_parameters
from sons.rules.codes import CODE_LISTS, CodeList
from sons.rules.contract import DOSSIER


def test_a_code_list_is_ordered_pairs_with_lookups():
    tranches = codes.TRANCHES
    assert tranches.codes == ("A", "B", "C", "D", "E")
    assert tranches.choices[0] == ("A", "Tranche A")
    assert tranches.label("C") == "Tranche C"
    assert "E" in tranches and "F" not in tranches
    assert list(tranches) == list(tranches.codes) and len(tranches) == 5


def test_an_unknown_code_reads_as_itself_and_null_as_missing():
    assert codes.PROFESSIONS.label("medecin") == "medecin"
    assert codes.PROFESSIONS.label(None) == "non renseigné"


def test_a_code_declared_twice_is_refused():
    with pytest.raises(ValueError, match="double"):
        CodeList("x", ("a", "A"), ("a", "B"))


def test_every_list_is_registered_by_its_name():
    assert codes.code_list("centre_types") is codes.CENTRE_TYPES
    assert all(name == lst.name for name, lst in CODE_LISTS.items())
    assert {"professions", "client_kinds", "centre_types", "tranches", "signature_modes", "va_key_functions",
            "vat_rates", "decisions", "severities", "check_statuses", "deadlines"} <= set(CODE_LISTS)  # fmt: skip


def _choices(section, path=()):
    """Every Choice field of the contract, by path."""
    from sons.rules.contract import Choice, ListOf, Section

    for key, field in section.fields.items():
        item = field.item if isinstance(field, ListOf) else field
        if isinstance(item, Section):
            yield from _choices(item, (*path, key))
        elif isinstance(item, Choice):
            yield ".".join((*path, key)), item.choices


def test_the_contract_choices_come_from_the_code_lists():
    fields = dict(_choices(DOSSIER))
    assert fields["client.tranche"] == codes.TRANCHES.codes
    assert fields["order.signature"] == codes.SIGNATURE_MODES.codes
    assert fields["order.vat_rate"] == codes.VAT_RATES.codes
    assert fields["balance.va.functions"] == codes.VA_KEY_FUNCTIONS.codes
    listed = {lst.codes for lst in CODE_LISTS.values()} | {("SFP-LGC-Va2",)}
    assert all(choices in listed for choices in fields.values()), fields


def test_the_schema_enumerates_the_same_codes():
    tranche = json_schema()["properties"]["client"]["properties"]["tranche"]
    assert tranche["enum"] == [*codes.TRANCHES.codes, None]


def test_dated_parameters_name_only_known_codes():
    p = load_parameters().at(load_parameters()["date_0"].values[0].start)
    assert set(p.eligible_professions) <= set(codes.PROFESSIONS)
    assert set(p.signature_methods) <= set(codes.SIGNATURE_MODES) - {"none"}
    assert set(p.va_key_functions) == set(codes.VA_KEY_FUNCTIONS)
    assert set(p.training_topics) == set(codes.TRAINING_TOPICS)
    assert {profile for profiles in p.required_profiles.values() for profile in profiles} <= set(
        codes.PROFILES
    )
    assert set(p.vat_rate_columns) == set(codes.VAT_RATES)
    assert set(p.vat_rate_columns.values()) == set(codes.CAP_COLUMNS)
    assert set(p.bareme_centres) == set(codes.TRANCHES)


def test_every_deadline_the_rules_compute_has_a_label():
    from sons.rules import evaluate, parse_dossier
    from tests.factories import dossier

    data = dossier(
        solution__referencing="pending", solution__referenced_on=None, solution__complete_dossier_on=None
    )
    data["order"]["mention_conditional_referencing"] = True
    deadlines = evaluate(parse_dossier(data)).deadlines
    assert "complete_dossier_until" in deadlines
    assert set(deadlines) - {"next"} <= set(codes.DEADLINES)
    assert deadlines["next"]["name"] in codes.DEADLINES

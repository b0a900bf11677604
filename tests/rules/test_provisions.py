"""The AF ↔ rules mapping: no normative sentence of the AF is left neither implemented nor out of scope."""

import re
from pathlib import Path

import pytest

from sons.rules import engine  # noqa: F401  (registers every rule)
from sons.rules.core import REGISTRY, RULES_BY_NAME
from sons.rules.provisions import provisions, render_markdown

ROOT = Path(__file__).resolve().parents[2]
AF = " ".join((ROOT / "docs/af/af-sfp-lgc-va2.txt").read_text(encoding="utf-8").split())
# Sentences stating a condition, from §2 (the calendar) to the annex; §1 only presents and defines.
NORMATIVE = re.compile(
    r"\b(doit|doivent|devra|devront|ne peut|ne peuvent|nécessairement|impérativement|subordonnée?|irrecevable|"
    r"éligibles?|inéligibles?|conditionnée?s?|réputée?s?|au plus tard|tenu|s.engage|exige|aucune autre|seul|"
    r"au-dela|antérieure|postérieure|reverser|reversement|recevables?)\b",
    re.IGNORECASE,
)
BODY_START = AF.index("CALENDRIER DU SONS")
GLOSSARY = (AF.index("GLOSSAIRE"), AF.index("ANNEXE : CONTENU DES FORMATIONS"))


def spans():
    result = []
    for provision in provisions():
        start = AF.find(provision.text)
        result.append((start, start + len(provision.text), provision))
    return result


def normative_sentences():
    for match in re.finditer(r"[^.;:]+[.;:]?", AF[BODY_START:]):
        start, end = BODY_START + match.start(), BODY_START + match.end()
        sentence = match.group().strip()
        if GLOSSARY[0] <= start < GLOSSARY[1] or len(sentence) < 25:
            continue
        if NORMATIVE.search(sentence):
            yield start, end, sentence


@pytest.mark.parametrize("provision", provisions(), ids=lambda p: f"{p.section}:{p.text[:40]}")
def test_provision_is_verbatim_and_resolved(provision):
    assert provision.text in AF, "extrait introuvable dans l'AF"
    assert bool(provision.rules) != bool(provision.out_of_scope), "des règles, ou hors périmètre avec motif"
    if provision.out_of_scope:
        assert len(provision.out_of_scope) >= 30
    for name in provision.rules:
        assert name in RULES_BY_NAME, f"règle inconnue : {name}"


def test_every_normative_sentence_is_mapped():
    covered = spans()
    orphans = [
        sentence
        for start, end, sentence in normative_sentences()
        if not any(s < end and start < e for s, e, _ in covered)
    ]
    assert orphans == [], "dispositions ni implémentées ni déclarées hors périmètre :\n" + "\n".join(orphans)


def test_every_rule_implements_a_provision_of_its_section():
    sections_of: dict[str, set[str]] = {}
    for provision in provisions():
        for name in provision.rules:
            sections_of.setdefault(name, set()).add(provision.section)
    rules = {entry.name: entry for entries in REGISTRY.values() for entry in entries}
    assert set(rules) == set(sections_of), "règle sans disposition de l'AF"
    for name, entry in rules.items():
        assert entry.section in sections_of[name], (name, entry.section, sections_of[name])


def test_the_mapping_document_is_up_to_date():
    assert (ROOT / "docs/rules-mapping.md").read_text(encoding="utf-8") == render_markdown(), (
        "régénérer : sons provisions > docs/rules-mapping.md"
    )

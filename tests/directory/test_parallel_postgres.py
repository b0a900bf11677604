"""PostgreSQL, plain files: every core folds each person's consecutive activities into one directory row; a
person met twice sends the load back to the general grouping in SQL, with the same result."""

import itertools
from pathlib import Path

import pytest
from django.db import connection, transaction

from sons.directory.imports import rpps_parallel
from sons.directory.imports.reading import RefusedFile
from sons.directory.imports.rpps import import_rpps
from sons.directory.imports.rpps_generator import write
from sons.directory.models import Professional
from tests.directory.extracts import lines_of, rewrite

FIELDS = ("rpps", "last_name", "first_name", "profession", "is_ipa", "practice", "registered_with_order")


@pytest.fixture
def extract(tmp_path) -> Path:
    path = tmp_path / "PS_LibreAcces_Personne_activite_202611250000.txt"
    write(path, 4000, seed=11)
    return path


def directory() -> set[tuple]:
    return set(Professional.objects.values_list(*FIELDS))


@pytest.mark.parametrize("parts", [2, 3, 7, 50])
def test_ranges_never_split_a_person(extract, parts):
    header, cuts = rpps_parallel.ranges(str(extract), parts)
    raw = extract.read_bytes()
    assert cuts[0][0] == header and cuts[-1][1] == len(raw)
    for (_, end), (start, _) in itertools.pairwise(cuts):
        assert end == start and raw[start - 1 : start] == b"\n"
        before = raw[:start].rstrip(b"\n").rsplit(b"\n", 1)[-1]
        after = raw[start:].split(b"\n", 1)[0]
        assert before.split(b"|")[1] != after.split(b"|")[1]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("le chargement parallèle est propre à PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_folding_per_person_gives_the_directory_of_the_sql_grouping(postgresql, extract, monkeypatch):
    with transaction.atomic():  # a caller's transaction: one COPY, grouped in SQL
        general = import_rpps(str(extract), apply=True)
    expected = directory()
    Professional.objects.all().delete()
    staged = []
    monkeypatch.setattr(rpps_parallel, "stage", lambda *a, **k: staged.append(1))  # must not be reached
    report = import_rpps(str(extract), apply=True)
    assert not staged
    assert directory() == expected
    assert (report.read, report.kept, report.persons) == (general.read, general.kept, general.persons)
    assert report.skipped == general.skipped and report.professions == general.professions


@pytest.mark.django_db(transaction=True)
def test_a_person_met_twice_is_grouped_in_sql_instead(postgresql, extract):
    lines = lines_of(extract)
    first = next(i for i in range(1, len(lines) - 1) if lines[i].split("|")[1] == lines[i + 1].split("|")[1]
                 and lines[i].split("|")[9] == "60" and lines[i].split("|")[0] == "8")  # fmt: skip
    rpps = lines[first].split("|")[1]
    moved = lines.pop(first + 1).split("|")
    moved[17], moved[23] = "L", "S-ELSEWHERE"
    lines[first] = lines[first].replace("|L|Libéral|", "|S|Salarié|")
    lines.append("|".join(moved))
    report = import_rpps(str(rewrite(extract, lines)), apply=True)
    assert report.read == len(lines) - 1
    assert Professional.objects.get(rpps=rpps).practice == "liberal"
    assert Professional.objects.filter(rpps=rpps).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_repeated_activity_is_refused_with_both_lines(postgresql, extract):
    import_rpps(str(extract), apply=True)
    before = directory()
    lines = lines_of(extract)
    index = next(i for i, text in enumerate(lines) if i > 2500 and text.split("|")[9] == "70")
    lines.insert(index + 1, lines[index])
    with pytest.raises(RefusedFile) as refused:
        import_rpps(str(rewrite(extract, lines)), apply=True)
    assert any(
        f"ligne {index + 2}" in d and f"doublon de la ligne {index + 1}" in d for d in refused.value.details
    )
    assert directory() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('directory_professional_new')")
        assert cursor.fetchone() == (None,)

"""Loading the RPPS extract and the Base de référence: atomic, refused whole when broken, with a report."""

import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sons.directory.imports.centres import import_centres
from sons.directory.imports.reading import RefusedFile
from sons.directory.imports.rpps import import_rpps
from sons.directory.imports.rpps_format import FIELDS, HEADER
from sons.directory.imports.rpps_generator import write
from sons.directory.models import Centre, Professional
from sons.dossiers.models import Dossier
from sons.rules.identifiers import with_luhn_key
from tests.db_factories import ProfessionalFactory, SolutionVersionFactory
from tests.directory.extracts import lines_of, rewrite

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def extract(tmp_path) -> Path:
    path = tmp_path / "PS_LibreAcces_Personne_activite_202611250000.txt"
    write(path, 3000, seed=7)
    return path


def test_dry_run_changes_nothing_then_apply_loads(extract):
    existing = ProfessionalFactory(rpps=with_luhn_key("1999999999"))  # not in the generated extract
    report = import_rpps(str(extract))
    assert Professional.objects.count() == 1
    assert report.read == 3000
    assert report.kept + sum(report.skipped.values()) == report.read
    assert report.diff["gone"] == 1
    assert report.persons == sum(report.professions.values()) > 0
    import_rpps(str(extract), apply=True)
    assert Professional.objects.count() == report.persons
    assert not Professional.objects.filter(rpps=existing.rpps).exists()
    again = import_rpps(str(extract), apply=True)
    assert again.diff == {"new": 0, "gone": 0, "profession": 0, "practice": 0, "ordre": 0}


def activity(rpps: str, structure: str, mode: str) -> str:
    fields = [""] * (FIELDS - 1)
    fields[0:3] = ["8", rpps, "8" + rpps]
    fields[9], fields[17], fields[23] = "60", mode, structure
    return "|".join(fields) + "|"


def test_one_person_with_several_activities_is_liberal_when_one_is(tmp_path):
    lines = [HEADER, activity("10000000017", "S1", "S"), activity("10000000017", "S2", "L")]
    path = rewrite(tmp_path / "PS_LibreAcces_Personne_activite_x.txt", lines)
    report = import_rpps(str(path), apply=True)
    assert report.kept == 2
    assert Professional.objects.get(rpps="10000000017").practice == "liberal"


def test_ordre_and_ipa_are_read_from_the_extract(extract):
    import_rpps(str(extract), apply=True)
    nurses = Professional.objects.filter(profession="ide")
    assert nurses.filter(registered_with_order=True).count() == nurses.count()
    assert Professional.objects.filter(profession="orthophoniste", registered_with_order=True).count() == 0
    assert Professional.objects.filter(is_ipa=True).exists()


def test_zip_is_accepted(extract, tmp_path):
    archive = tmp_path / "PS_LibreAcces_202611250000.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(extract, extract.name)
    assert import_rpps(str(archive)).read == 3000


def broken(extract: Path, index: int, change) -> Path:
    lines = lines_of(extract)
    lines[index] = change(lines[index])
    return rewrite(extract, lines)


@pytest.mark.parametrize(
    ("index", "change", "line", "words"),
    [
        (0, lambda text: text.replace("Code profession", "Profession"), 1, "en-tête"),
        (5, lambda text: text[:-1], 6, "tronquée"),
        (5, lambda text: text.rsplit("|", 10)[0], 6, "tronquée"),
        (5, lambda text: text + "extra|", 6, "trop longue"),
        (5, lambda text: "7" + text[1:], 6, "type d'identifiant"),
    ],
    ids=["header", "no-trailing-bar", "truncated", "over-long", "unknown-id-type"],
)
def test_broken_files_are_refused_with_line_and_column(extract, index, change, line, words):
    ProfessionalFactory()
    path = broken(extract, index, change)
    with pytest.raises(RefusedFile) as refused:
        import_rpps(str(path), apply=True)
    text = str(refused.value) + " ".join(refused.value.details)
    assert f"ligne {line}" in text
    assert words in text
    assert Professional.objects.count() == 1  # the previous data stay


def test_invalid_rpps_key_is_refused(extract):
    lines = lines_of(extract)
    index = next(i for i, text in enumerate(lines) if text.split("|")[9] == "60")
    fields = lines[index].split("|")
    fields[1] = fields[1][:-1] + str((int(fields[1][-1]) + 1) % 10)
    fields[2] = "8" + fields[1]
    lines[index] = "|".join(fields)
    with pytest.raises(RefusedFile) as refused:
        import_rpps(str(rewrite(extract, lines)), apply=True)
    assert any(f"ligne {index + 1}, colonne 2" in detail for detail in refused.value.details)


def test_duplicate_line_is_refused(extract):
    lines = lines_of(extract)
    index = next(i for i, text in enumerate(lines) if i and text.split("|")[9] == "70")
    lines.insert(index + 1, lines[index])
    with pytest.raises(RefusedFile) as refused:
        import_rpps(str(rewrite(extract, lines)), apply=True)
    assert any(
        f"ligne {index + 2}" in d and f"doublon de la ligne {index + 1}" in d for d in refused.value.details
    )


def test_bad_encoding_is_refused(extract):
    raw = extract.read_bytes().split(b"\n")
    raw[3] = raw[3].replace(b"|", b"|\xff", 1)
    extract.write_bytes(b"\n".join(raw))
    with pytest.raises(RefusedFile, match="ligne 4, colonne 2 : encodage invalide"):
        import_rpps(str(extract))


def test_open_dossiers_are_alerted_when_their_client_leaves_liberal_practice(today, extract, tmp_path):
    from sons.dossiers.actions import file_one
    from tests.db_factories import EnrolmentFactory, supplier_token
    from tests.worlds import filing

    today("2026-09-01")
    import_rpps(str(extract), apply=True)
    professional = Professional.objects.filter(practice="liberal", profession="ide").first()
    version = SolutionVersionFactory()
    EnrolmentFactory(organisation=version.solution.publisher.organisation)
    principal = supplier_token(version.solution.publisher.organisation)[0]

    class World:
        pass

    world = World()
    world.professionals, world.version = [professional], version
    dossier = file_one(principal, filing(world))
    lines = [
        text.replace("|L|Libéral|", "|S|Salarié|") if f"|{professional.rpps}|" in text else text
        for text in lines_of(extract)
    ]
    report = import_rpps(str(rewrite(tmp_path / extract.name, lines)), apply=True)
    assert report.diff["practice"] == 1
    assert report.alerts == 1
    (alert,) = Dossier.objects.get(pk=dossier.pk).directory_alerts
    assert alert["severity"] == "warning"
    assert "n'exerce plus en cabinet libéral" in alert["message"]


def test_centres_sample_loads_and_a_broken_one_is_refused(tmp_path):
    sample = ROOT / "docs/samples/base-reference-centres.csv"
    report = import_centres(str(sample), apply=True)
    assert report.read == Centre.objects.count() == 4
    assert report.tranches == {"A": 1, "B": 1, "C": 1, "E": 1}
    bad = tmp_path / "base.csv"
    bad.write_text(sample.read_text(encoding="utf-8").replace(";C;", ";F;"), encoding="utf-8")
    with pytest.raises(RefusedFile, match="ligne 3, colonne 3"):
        import_centres(str(bad), apply=True)
    assert Centre.objects.count() == 4
    shutil.copy(sample, bad)


def test_command_is_a_dry_run_by_default_and_exits_with_a_french_error(extract, capsys):
    call_command("import_directory", "rpps", str(extract))
    assert "Essai à blanc" in capsys.readouterr().out
    assert Professional.objects.count() == 0
    with pytest.raises(CommandError, match="Fichier refusé, données précédentes conservées"):
        call_command("import_directory", "rpps", str(broken(extract, 0, lambda t: "x")))


@pytest.mark.django_db(transaction=True)
def test_parallel_load_on_postgresql_numbers_lines_across_ranges(extract):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("le chargement parallèle est propre à PostgreSQL")
    report = import_rpps(str(extract), apply=True)
    assert report.read == 3000
    assert Professional.objects.count() == report.persons
    lines = lines_of(extract)
    index = len(lines) - 10  # in the last byte range
    fields = lines[index].split("|")
    fields[0] = "7"
    lines[index] = "|".join(fields)
    with pytest.raises(RefusedFile) as refused:
        import_rpps(str(rewrite(extract, lines)), apply=True)
    assert any(f"ligne {index + 1}, colonne 1" in detail for detail in refused.value.details)
    assert Professional.objects.count() == report.persons


def test_the_centres_type_column_is_read_and_checked(tmp_path):
    """§1.2 note 3: the optional `type_centre` column records a polyvalent, médical or dentaire centre, which the
    rules then exclude; an unknown type refuses the file."""
    sample = ROOT / "docs/samples/base-reference-centres.csv"
    lines = sample.read_text(encoding="utf-8").splitlines()
    typed = tmp_path / "base.csv"
    typed.write_text("\n".join([lines[0] + ";type_centre", lines[1] + ";dentaire",
                                *(line + ";" for line in lines[2:])]) + "\n", encoding="utf-8")  # fmt: skip
    import_centres(str(typed), apply=True)
    assert sorted(Centre.objects.values_list("centre_type", flat=True)) == ["", "", "", "dentaire"]
    typed.write_text(typed.read_text(encoding="utf-8").replace(";dentaire", ";cabinet"), encoding="utf-8")
    with pytest.raises(RefusedFile, match="ligne 2, colonne 7"):
        import_centres(str(typed), apply=True)

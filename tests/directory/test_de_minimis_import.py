"""`sons import de-minimis`: the ASP's extract of the aids paid under the other SONS dispositifs, which count in
the client's de minimis ceiling over three rolling years (§5.1). A whole extract: applying it replaces the aids of
that origin only, atomically; a bad line refuses the file, naming line and column, and keeps the register."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sons.directory.enums import AidSource
from sons.directory.imports.de_minimis import import_de_minimis
from sons.directory.imports.reading import RefusedFile
from sons.directory.models import DeMinimisAid

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "docs/samples/aides-sons.csv"


def test_the_sample_loads_and_replaces_only_the_aids_of_other_sons_dispositifs():
    declared = DeMinimisAid.objects.create(client_key="rpps:10000000017", amount=Decimal("10.00"),
                                           granted_on="2025-01-01", source=AidSource.DECLARATION)  # fmt: skip
    DeMinimisAid.objects.create(client_key="rpps:1", amount=Decimal("99.00"), granted_on="2025-01-01",
                                source=AidSource.SONS)  # fmt: skip
    report = import_de_minimis(str(SAMPLE), apply=True)
    assert (report.read, report.clients, report.total, report.replaced) == (3, 2, Decimal("5050.50"), 1)
    sons = DeMinimisAid.objects.filter(source=AidSource.SONS).order_by("granted_on")
    assert [(a.client_key, str(a.amount), a.description) for a in sons] == [
        ("rpps:10000000017", "850.50", "SONS MSS-LGC"),
        ("rpps:10000000017", "1200.00", "SONS DMP-LGC vague 2"),
        ("finess:750000010", "3000.00", "SONS DMP-LGC vague 2"),
    ]
    assert DeMinimisAid.objects.filter(pk=declared.pk).exists()


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("10000000017;2025-03-14", "10000000018;2025-03-14", "ligne 2, colonne 1"),
        ("2024-11-02", "02/11/2024", "ligne 3, colonne 2"),
        ("850.50", "850.505", "ligne 3, colonne 3"),
        ("3000,00", "-1,00", "ligne 4, colonne 3"),
        (";SONS MSS-LGC", ";", "ligne 3, colonne 4"),
    ],
    ids=["rpps-key", "date", "third-decimal", "negative", "no-dispositif"],
)
def test_a_bad_line_refuses_the_file_and_keeps_the_register(tmp_path, old, new, where):
    import_de_minimis(str(SAMPLE), apply=True)
    bad = tmp_path / "aides.csv"
    bad.write_text(SAMPLE.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RefusedFile, match=where):
        import_de_minimis(str(bad), apply=True)
    assert DeMinimisAid.objects.filter(source=AidSource.SONS).count() == 3


def test_the_command_is_a_dry_run_by_default_and_refuses_in_french(tmp_path, capsys):
    call_command("import_directory", "de-minimis", str(SAMPLE))
    assert "Essai à blanc" in capsys.readouterr().out and not DeMinimisAid.objects.exists()
    call_command("import_directory", "de-minimis", str(SAMPLE), "--apply")
    assert "Registre remplacé" in capsys.readouterr().out and DeMinimisAid.objects.count() == 3
    bad = tmp_path / "aides.csv"
    shutil.copy(SAMPLE, bad)
    bad.write_text("client;montant\n", encoding="utf-8")
    with pytest.raises(CommandError, match="en-tête attendu : client;date_octroi;montant;dispositif"):
        call_command("import_directory", "de-minimis", str(bad))

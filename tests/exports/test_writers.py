"""The plain functions the portal calls: filtered querysets, CSV chunks, a workbook written to a file."""

import pytest
from openpyxl import load_workbook

from sons.exports import TABLES, BadFilter, csv_chunks, filtered, rows, write_xlsx, writers

pytestmark = pytest.mark.django_db


def test_csv_is_sent_in_chunks_without_caching_the_queryset(population, monkeypatch):
    monkeypatch.setattr(writers, "LINES_PER_CHUNK", 2)
    table = TABLES["dossiers"]
    queryset = filtered(table, {})
    chunks = list(csv_chunks(table, queryset))
    assert len(chunks) == 3  # the header, then 2 + 2 lines
    assert chunks[0].startswith("\ufeffN° dossier;Fournisseur;")
    assert [chunk.count("\r\n") for chunk in chunks] == [1, 2, 2]
    assert queryset._result_cache is None


def test_rows_give_labels_and_python_values(population):
    table = TABLES["recoveries"]
    (row,) = rows(table, filtered(table, [("supplier", str(population.centre.supplier_id))]))
    assert row[5:7] == (
        "Déclaration erronée constatée au contrôle",
        "En recouvrement : ordre de reversement émis",
    )
    assert str(row[8]) == "50.00"


def test_workbook_written_to_a_path(population, tmp_path):
    table = TABLES["payments"]
    write_xlsx(table, filtered(table, {"kind": "balance"}), tmp_path / "paiements.xlsx")
    sheet = load_workbook(tmp_path / "paiements.xlsx")["Paiements"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:3] == ["N° paiement", "N° lot", "État du lot"]
    assert sheet.max_row == 2 and sheet.cell(2, 10).value == "Solde"


def test_bad_filter_names_the_field():
    with pytest.raises(BadFilter) as refused:
        filtered(TABLES["payments"], {"status": "booked,paid"})
    assert refused.value.field == "status"
    assert "« paid »" in refused.value.message

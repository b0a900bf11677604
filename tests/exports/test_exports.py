"""GET /api/exports/{dossiers|payments|recoveries}.{csv|xlsx}: contents, filters, refusals, roles."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(world, path: str, actor=None) -> list[list[str]]:
    response = (actor or world.instructor).get(path)
    assert response.status_code == 200, response.content
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_sheet(world, path: str):
    response = world.instructor.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    assert 'filename="sons-' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.worksheets[0]


def by_id(rows: list[list[str]]) -> dict[int, dict[str, str]]:
    header, *body = rows
    return {int(row[0]): dict(zip(header, row, strict=True)) for row in body}


def test_dossiers_csv_for_excel_fr(world, population):
    rows = csv_rows(world, "/exports/dossiers.csv")
    assert rows[0][:5] == ["N° dossier", "Fournisseur", "SIREN du fournisseur", "Solution", "Version"]
    found = by_id(rows)
    assert (
        list(found)
        == sorted(found)
        == [population.ide.pk, population.mk.pk, population.ipa.pk, population.centre.pk]
    )
    ide = found[population.ide.pk]
    assert ide["Fournisseur"] == "Éditeur « Santé » & Cie"
    assert ide["État"] == "Avance validée"
    assert ide["Type de Client"] == "Professionnel libéral"
    assert ide["Profession"] == "Infirmier(ère) diplômé(e) d'État (IDE)"
    assert ide["Demande d'avance déposée le"] == "02/09/2026"
    assert ide["Demande de solde déposée le"] == ""
    assert (ide["Montant financé (€)"], ide["Avance (€)"], ide["Avance versée (€)"]) == (
        "270,00",
        "108,00",
        "0,00",
    )
    assert found[population.mk.pk]["Profession"] == "Masseur-kinésithérapeute"
    assert found[population.ipa.pk]["Profession"] == "Infirmier(ère) en pratique avancée (IPA)"
    centre = found[population.centre.pk]
    assert (centre["Type de Client"], centre["Tranche"], centre["Profession"]) == (
        "Centre de santé",
        "C",
        "",
    )
    assert (centre["État"], centre["Reversé (€)"]) == ("En recouvrement : ordre de reversement émis", "50,00")
    assert len(centre["Créé le"]) == len("25/11/2026 19:58")


def test_dossiers_xlsx_keeps_numbers_and_dates(world, population):
    sheet = xlsx_sheet(world, "/exports/dossiers.xlsx")
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "N° dossier" and "Montant financé (€)" in header and sheet.title == "Dossiers"
    found = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(found) == 4
    ide = found[population.ide.pk]
    assert ide["Montant financé (€)"] == 270 and isinstance(ide["Montant financé (€)"], (int, float))
    assert ide["Demande d'avance déposée le"] == datetime(2026, 9, 2)
    assert isinstance(ide["Créé le"], datetime)
    assert ide["État"] == "Avance validée" and ide["Demande de solde déposée le"] is None
    cells = {cell.value: cell for cell in next(sheet.iter_rows(min_row=1, max_row=1))}
    column = list(cells).index("Montant financé (€)")
    amount_cell = next(sheet.iter_rows(min_row=2, max_row=2))[column]
    assert amount_cell.number_format == "#,##0.00"
    date_cell = next(sheet.iter_rows(min_row=2, max_row=2))[list(cells).index("Demande d'avance déposée le")]
    assert date_cell.number_format == "DD/MM/YYYY"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=advance_validated,advance_paid", ["ide", "mk"]),
        ("state=advance_validated&state=recovery_ordered", ["ide", "centre"]),
        ("profession=ipa", ["ipa"]),
        ("profession=ide", ["ide"]),
        ("tranche=C", ["centre"]),
        ("client_kind=centre", ["centre"]),
        ("filed_from=2026-09-05&filed_to=2026-09-30", ["mk", "centre"]),
        ("state=&profession=", ["ide", "mk", "ipa", "centre"]),
    ],
)
def test_dossier_filters(world, population, query, expected):
    rows = csv_rows(world, f"/exports/dossiers.csv?{query}")
    assert list(by_id(rows)) == [getattr(population, name).pk for name in expected]


def test_supplier_filter_in_both_formats(world, population):
    other = population.other_supplier.pk
    assert list(by_id(csv_rows(world, f"/exports/dossiers.csv?supplier={other}"))) == [population.ipa.pk]
    sheet = xlsx_sheet(world, f"/exports/dossiers.xlsx?supplier={other}")
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [population.ipa.pk]


def test_payments_export(world, population):
    found = by_id(csv_rows(world, "/exports/payments.csv"))
    assert len(found) == 3
    balance = found[max(found)]
    assert (balance["N° lot"], balance["État du lot"], balance["Nature"]) == (
        str(population.prepared.pk),
        "Préparé",
        "Solde",
    )
    assert (balance["Montant (€)"], balance["Statut"], balance["Comptabilisé le"]) == (
        "162,00",
        "En cours",
        "",
    )
    booked = by_id(csv_rows(world, "/exports/payments.csv?status=booked&kind=advance"))
    assert sorted(row["N° dossier"] for row in booked.values()) == sorted(
        [str(population.mk.pk), str(population.centre.pk)]
    )
    assert {row["Comptabilisé le"] for row in booked.values()} == {"20/09/2026"}
    assert len(by_id(csv_rows(world, f"/exports/payments.csv?batch={population.prepared.pk}"))) == 1
    sheet = xlsx_sheet(world, "/exports/payments.xlsx?batch_state=confirmed")
    amounts = [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert amounts == [108, 108]


def test_recoveries_export(world, population):
    (case,) = by_id(
        csv_rows(world, "/exports/recoveries.csv?state=recovery_ordered&ground=erroneous_declaration")
    ).values()
    assert case["N° dossier"] == str(population.centre.pk)
    assert (case["Motif"], case["Étape"]) == (
        "Déclaration erronée constatée au contrôle",
        "En recouvrement : ordre de reversement émis",
    )
    assert (case["Montant à reverser (€)"], case["Reversé (€)"], case["Ouvert le"]) == (
        "270,00",
        "50,00",
        "02/11/2026",
    )
    assert by_id(csv_rows(world, "/exports/recoveries.csv?opened_to=2026-11-01")) == {}
    sheet = xlsx_sheet(world, "/exports/recoveries.xlsx")
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[7:9] == (270, 50) and row[9] == datetime(2026, 11, 2)


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("state=paid", "state", "valeur inconnue « paid »"),
        ("profession=dentiste", "profession", "valeurs admises"),
        ("tranche=Z", "tranche", "A, B, C, D, E"),
        ("supplier=abc", "supplier", "identifiants numériques"),
        ("filed_from=02/09/2026", "filed_from", "AAAA-MM-JJ"),
        ("etat=advance_paid", "etat", "Filtre inconnu"),
    ],
)
def test_bad_filters_are_refused_in_french_naming_the_field(world, population, query, field, words):
    for extension in ("csv", "xlsx"):
        response = world.instructor.get(f"/exports/dossiers.{extension}?{query}")
        assert response.status_code == 422
        body = response.json()
        assert body["field"] == field and words in body["message"]


def test_unknown_exports(world):
    assert world.instructor.get("/exports/suppliers.csv").status_code == 404
    assert world.instructor.get("/exports/dossiers.pdf").json()["message"].startswith("Export inconnu")


def test_only_the_asp_staff_exports(world, population):
    for actor in (world.supplier, world.ans):
        response = actor.get("/exports/dossiers.csv")
        assert response.status_code == 403
        assert "Instructeur ASP" in response.json()["message"]
    assert world.supplier.get("/exports/payments.xlsx").status_code == 403
    assert len(csv_rows(world, "/exports/payments.csv", actor=world.paying_agent)) == 4
    assert world.instructor.client.get("/api/exports/dossiers.csv").status_code == 401


def test_formulas_are_defused(world, population):
    population.other_supplier.name = '=HYPERLINK("http://evil.example","x")'
    population.other_supplier.save()
    rows = by_id(csv_rows(world, f"/exports/dossiers.csv?supplier={population.other_supplier.pk}"))
    assert rows[population.ipa.pk]["Fournisseur"] == "'" + population.other_supplier.name
    sheet = xlsx_sheet(world, f"/exports/dossiers.xlsx?supplier={population.other_supplier.pk}")
    cell = next(sheet.iter_rows(min_row=2, max_row=2))[1]
    assert (cell.value, cell.data_type) == (population.other_supplier.name, "s")

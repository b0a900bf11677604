"""The CSV of a bulk filing names a centre's other signing centres (§4.2) in its optional column
`additional_centres`, « FINESS:montant[:oui|non] » separated by « | », and the supplier's reference in
`supplier_reference`: each centre gets its order line; a file without these columns is read as before."""

import pytest

from sons.dossiers import bulk
from sons.dossiers.models import Dossier
from tests.db_factories import CentreFactory, enrolled_publisher_version, supplier_token

pytestmark = pytest.mark.django_db
HEAD = ";".join(bulk.CSV_COLUMNS)


def row(version, main, others: str, reference: str = "", **overrides: str) -> str:
    values = {"finess_geo": main.finess_geo, "solution_version_id": str(version.pk), "issued_on": "2026-08-01",
              "signed_on": "2026-08-10", "signature": "psc", "amount": "2970,00", "vat_rate": "20",
              "in_client_name": "oui", "mention_state_funded": "oui", "mention_conditional_referencing": "non",
              "centre_certificate_commitment": "oui", "de_minimis_other_aid": "0",
              "supplier_reference": reference, "additional_centres": others, **overrides}  # fmt: skip
    return ";".join(values.get(column, "") for column in bulk.CSV_COLUMNS)


def file_csv(version, *rows: str) -> list[dict]:
    principal, _ = supplier_token(version.solution.publisher.organisation)
    _, entries = bulk.file_entries(("\n".join([HEAD, *rows]) + "\n").encode(), "lot.csv")
    return bulk.file_entries_in_chunks(principal, entries)


def test_a_centres_order_for_three_centres_from_one_csv_line(today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    main, second, third = CentreFactory(tranche="B"), CentreFactory(tranche="A"), CentreFactory(tranche="A")
    others = f"{second.finess_geo}:1890,00|{third.finess_geo}:1890,00:oui"
    (item,) = file_csv(version, row(version, main, others, "CMD-2026-0042"))
    assert item["status"] == "filed", item
    dossier = Dossier.objects.get(pk=item["id"])
    assert dossier.decision == "admissible", dossier.findings
    assert str(dossier.cap) == "6750.00"  # B 2 970,00 + A 1 890,00 + A 1 890,00 (§5.3, TTC 20 %)
    client = dossier.declaration["client"]
    assert [c["finess_geo"] for c in client["additional_centres"]] == [second.finess_geo, third.finess_geo]
    assert all(c["certificate_commitment"] is True for c in client["additional_centres"])
    assert [line["finess_geo"] for line in dossier.declaration["order"]["lines"]] == [
        main.finess_geo, second.finess_geo, third.finess_geo]  # fmt: skip
    assert dossier.declaration["supplier_reference"] == "CMD-2026-0042"


def test_a_centre_without_its_commitment_or_its_amount_is_refused_by_name(today):
    today("2026-09-01")
    version = enrolled_publisher_version()
    main, second = CentreFactory(tranche="B"), CentreFactory(tranche="A")
    (uncommitted,) = file_csv(version, row(version, main, f"{second.finess_geo}:1890,00:non"))
    assert Dossier.objects.get(pk=uncommitted["id"]).decision == "not_admissible"
    (no_amount,) = file_csv(version, row(version, CentreFactory(), f"{CentreFactory().finess_geo}"))
    assert no_amount["status"] == "refused"
    assert "amount" in no_amount["error"]["field"], no_amount


@pytest.mark.parametrize(
    ("main", "others", "field"),
    [
        ("rpps", "750000024:1890,00", "client.additional_centres"),  # a professional has no other centre
        ("finess", "750000024:1890,00:peut-être", "client.additional_centres[0].certificate_commitment"),
        ("finess", "750000024:1890,00|750000032:1890,00:oui:zzz", "client.additional_centres[1]"),
        ("finess", "|".join(["750000024:1890,00"] * 101), "client.additional_centres"),
    ],
)
def test_a_bad_additional_centres_cell_refuses_its_line_only(today, main, others, field):
    today("2026-09-01")
    version = enrolled_publisher_version()
    good = row(version, CentreFactory(tranche="B"), "")
    professional = {"finess_geo": "", "rpps": "10003554792"} if main == "rpps" else {}
    bad = row(version, CentreFactory(), others, **professional)
    refused, filed = file_csv(version, bad, good)
    assert refused["status"] == "refused" and refused["error"]["field"] == field, refused
    assert "additional_centres" in refused["error"]["message"]
    assert filed["status"] == "filed"

"""Bulk filing line by line (issue 10, items 9 and 10): each line succeeds or fails alone with its true line
number, in the API as in the portal; an upload over the limit is refused before it is parsed, in bounded
memory (measured with tracemalloc)."""

import json
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sons.dossiers import bulk
from sons.dossiers.models import Dossier
from sons.suppliers.enums import Role
from tests.portal.factories import signed_in
from tests.worlds import filing

pytestmark = pytest.mark.django_db


def jsonl(world, count: int, start: int = 0) -> list[str]:
    return [json.dumps(filing(world, rpps=p.rpps)) for p in world.professionals[start : start + count]]


def test_bad_json_on_a_line_is_reported_on_that_line_and_sinks_nothing_else(world):
    lines = jsonl(world, 6)
    body = (
        "\n".join([lines[0], "", lines[1], lines[2], '{"client": {"rpps": ', lines[3], "", lines[4]]) + "\n"
    )
    report = world.supplier.post("/dossiers/bulk", body, content_type="application/x-ndjson").json()
    assert (report["filed"], report["refused"]) == (5, 1)
    assert [(item["line"], item["status"]) for item in report["items"]] == [
        (1, "filed"), (3, "filed"), (4, "filed"), (5, "refused"), (6, "filed"), (8, "filed"),
    ]  # fmt: skip
    assert report["items"][3]["error"]["message"] == "Ligne 5 : JSON invalide (colonne 21)."
    assert Dossier.objects.count() == 5


def test_a_bad_declaration_deep_in_an_array_names_its_line(world):
    items = [filing(world, rpps=p.rpps) for p in world.professionals[:3]]
    items[2]["order"]["signed_on"] = "2026-02-30"
    body = "[\n" + ",\n".join(json.dumps(item, indent=1) for item in items) + "\n]"
    report = world.supplier.post("/dossiers/bulk", body).json()
    refused = report["items"][2]
    assert refused["status"] == "refused" and refused["error"]["field"] == "order.signed_on"
    starts = body[: body.index(json.dumps(items[2], indent=1))].count("\n") + 1
    assert refused["line"] == starts and starts > 3
    broken = world.supplier.post("/dossiers/bulk", body[:-2] + "x]")
    assert broken.status_code == 422 and "ligne" in broken.json()["message"]


def test_the_portal_reports_true_line_numbers(world, client):

    portal = signed_in(Role.SUPPLIER_MEMBER, "membre", world.organisation)
    lines = jsonl(world, 3)
    upload = ("\n".join([lines[0], "", "pas du json", lines[1], lines[2]]) + "\n").encode()
    page = portal.post(reverse("portal:bulk_filing"),
                       {"file": SimpleUploadedFile("lot.jsonl", upload)}).content.decode()  # fmt: skip
    assert "Ligne 3 : JSON invalide" in page
    assert Dossier.objects.count() == 3


def peak_of(call) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("array", [False, True])
def test_an_upload_over_the_limit_is_refused_before_it_is_parsed(world, array, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024
    one = json.dumps(filing(world))
    count = bulk.LIMIT + 1
    body = ("[" + ",".join([one] * count) + "]" if array else "\n".join([one] * count)).encode()
    responses = []
    peak = peak_of(lambda: responses.append(
        world.supplier.post("/dossiers/bulk", body, content_type="application/x-ndjson")))  # fmt: skip
    assert responses[0].status_code == 422
    assert f"Au plus {bulk.LIMIT} dossiers" in responses[0].json()["message"]
    # The body is read once and decoded once; the declarations are never all built (they would take
    # about 25 times the body's size).
    assert peak < 3.5 * len(body), (peak, len(body))
    assert Dossier.objects.count() == 0


def test_filing_memory_does_not_grow_with_the_file(world):
    """Parsing is by chunks of CHUNK declarations: the documents of the whole file never coexist."""
    one = json.dumps(filing(world, rpps="12345678901"))  # refused by the rules' checks, cheap to file
    small, large = ("\n".join([one] * n).encode() for n in (bulk.CHUNK, 8 * bulk.CHUNK))
    peaks = []
    for body in (small, large):
        _, entries = bulk.json_entries(body)
        peaks.append(peak_of(lambda entries=entries: sum(1 for _ in entries)))
    assert peaks[1] < 2 * peaks[0] + len(large), peaks

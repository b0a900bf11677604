"""What an integrator reads and tries before filing: dry runs that store nothing, drafts corrected and cancelled,
lists paged by cursor with their filters checked, the organisation's versions, a client's eligibility, the
deadlines limited to those returned."""

import pytest
from django.apps import apps
from django.test import Client

from sons.dossiers.models import Dossier
from tests.db_factories import ProfessionalFactory, SolutionVersionFactory, join_pieces
from tests.worlds import filing

pytestmark = pytest.mark.django_db


def rows() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in
            ("dossiers", "audit", "api", "django_tasks_database", "payments", "recoveries")}  # fmt: skip


def test_a_dry_run_answers_decision_findings_amounts_and_stores_nothing(world):
    before = rows()
    response = world.supplier.post("/dossiers?dry_run=true", filing(world), key="dry-1")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["stored"] is False and answer["id"] is None
    assert answer["decision"] == "admissible" and answer["amounts"]["financed"] == "270.00"
    bad = world.supplier.post("/dossiers?dry_run=true", filing(world, signature="none"))
    assert bad.status_code == 200 and bad.json()["decision"] == "not_admissible" and bad.json()["findings"]
    after = rows()
    after.pop("api.IdempotencyRecord", None), before.pop("api.IdempotencyRecord", None)
    assert after == before


def test_a_draft_is_replaced_patched_cancelled_and_never_holds_its_client(world):
    draft = world.supplier.post("/dossiers?draft=true", filing(world)).json()
    assert draft["state"] == "draft"
    other = world.supplier.post(
        "/dossiers?draft=true", filing(world)
    ).json()  # same client: a draft holds none
    moved = filing(world, rpps=world.professionals[1].rpps)
    replaced = Client().put(f"/api/v1/dossiers/{draft['id']}", moved, content_type="application/json",
                            headers=world.supplier.headers)  # fmt: skip
    assert replaced.status_code == 200 and replaced.json()["rpps"] == world.professionals[1].rpps
    patched = Client().patch(f"/api/v1/dossiers/{draft['id']}", {"supplier_reference": "CMD-7"},
                             content_type="application/merge-patch+json", headers=world.supplier.headers)  # fmt: skip
    assert patched.status_code == 200 and patched.json()["supplier_reference"] == "CMD-7"
    wrong = Client().patch(f"/api/v1/dossiers/{draft['id']}", {"order": {"signed_at": "2026-08-10"}},
                           content_type="application/json", headers=world.supplier.headers)  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["code"] == "unknown_field"
    cancelled = world.supplier.post(f"/dossiers/{other['id']}/cancel", {"reason": "Doublon."})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    join_pieces(Dossier.objects.get(pk=draft["id"]), "advance")  # §6.2: the signed order first
    filed = world.supplier.post(f"/dossiers/{draft['id']}/file")
    assert filed.status_code == 200 and filed.json()["state"] == "advance_filed"
    again = Client().put(f"/api/v1/dossiers/{draft['id']}", moved, content_type="application/json",
                         headers=world.supplier.headers)  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "conflict_state"


def test_lists_page_by_cursor_and_refuse_unknown_filters(world):
    ids = [
        world.supplier.post("/dossiers", filing(world, rpps=p.rpps)).json()["id"]
        for p in world.professionals[:5]
    ]
    seen, url, pages = [], "/api/v1/dossiers?limit=2&state=advance_filed", 0
    while url:
        response = Client().get(url, headers=world.supplier.headers)
        assert response.status_code == 200
        seen += [d["id"] for d in response.json()]
        link = response.get("Link")
        url = link[1 : link.index(">")] if link else None
        pages += 1
        assert not link or 'rel="next"' in link
    assert seen == ids and pages == 3
    answer = world.supplier.get("/dossiers", data={"updated_since": "2026-08-01T00:00:00Z"})
    assert answer.status_code == 200 and len(answer.json()) == 5
    assert world.supplier.get("/dossiers", data={"updated_since": "2999-01-01T00:00:00+00:00"}).json() == []
    assert [
        d["id"] for d in world.supplier.get("/dossiers", data={"rpps": world.professionals[1].rpps}).json()
    ] == ids[1:2]
    refused = world.supplier.get("/dossiers", data={"updated_sinse": "x"})
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_field"
    assert refused.json()["field"] == "updated_sinse" and "updated_sinse" in refused.json()["message"]
    bad = world.supplier.get("/dossiers", data={"cursor": "n'importe quoi"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"


def test_deadlines_limit_counts_the_deadlines_returned(world):
    for professional in world.professionals[:4]:  # drafts: their next deadline is the end of filing (Date 4)
        assert (
            world.supplier.post("/dossiers?draft=true", filing(world, rpps=professional.rpps)).status_code
            == 201
        )
    for professional in world.professionals[4:8]:  # filed, with a referenced version: no deadline to show yet
        assert world.supplier.post("/dossiers", filing(world, rpps=professional.rpps)).status_code == 201
    every = world.supplier.get("/deadlines").json()
    assert len(every) == 4 and every == sorted(every, key=lambda row: (row["date"], row["id"]))
    assert {row["name"] for row in every} == {"advance_request_until"}
    assert world.supplier.get("/deadlines?limit=2").json() == every[:2]


def test_solutions_list_the_organisations_versions_and_referencing(world):
    SolutionVersionFactory()  # another publisher's
    answer = world.supplier.get("/solutions")
    assert answer.status_code == 200
    (version,) = answer.json()
    assert version["id"] == world.version.pk and version["referencing"] == world.version.referencing
    assert version["profiles"] and version["referencing_label"]
    assert world.other_supplier.get("/solutions").json() == []


def test_eligibility_reads_the_rules_and_the_directory(world):
    version = world.version.pk
    ok = world.supplier.get(
        f"/clients/{world.professionals[0].rpps}/eligibility?solution_version_id={version}"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["eligible"] is True and ok.json()["directory"]["known"] is True
    salaried = ProfessionalFactory(practice="salaried")
    refused = world.supplier.get(f"/clients/{salaried.rpps}/eligibility?solution_version_id={version}").json()
    assert refused["eligible"] is False
    assert {f["rule"] for f in refused["findings"]} == {"client_practises_in_cabinet_liberal"}
    assert world.supplier.post("/dossiers", filing(world)).status_code == 201
    taken = world.supplier.get(
        f"/clients/{world.professionals[0].rpps}/eligibility?solution_version_id={version}"
    )
    assert taken.json()["eligible"] is False
    assert "client_single_segur_order" in {f["rule"] for f in taken.json()["findings"]}
    assert Dossier.objects.count() == 1
    bad = world.supplier.get(f"/clients/12/eligibility?solution_version_id={version}")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_value"
    foreign = world.other_supplier.get(
        f"/clients/{world.professionals[1].rpps}/eligibility?solution_version_id={version}"
    )
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"

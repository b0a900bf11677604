"""The instructor's queue: tabs (à instruire, first; à compléter; traités; tous), the client's name, profession
and solution, select-all, the finding filter as the rules' French labels, and « Exporter cette vue » giving
exactly the view's rows (its tab, finding and deadline filters included)."""

import html
import re

import pytest
from django.urls import reverse

from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor():
    return signed_in(Role.ASP_INSTRUCTOR, "instructeur-file")


def shown(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/dossiers/(\d+)/"', page)}


def count_of(page: str) -> int:
    return int(re.search(r"(\d+) dossier\(s\)</caption>", page).group(1))


def test_the_queue_opens_on_the_requests_to_instruct_and_has_tabs(today, instructor):
    today("2026-09-01")
    dossiers = {trait: DossierFactory(**{trait: True}) for trait in
                ("draft", "advance_filed", "advance_to_complete", "advance_paid", "advance_rejected")}  # fmt: skip
    ids = {trait: d.pk for trait, d in dossiers.items()}
    page = html.unescape(instructor.get(reverse("portal:queue")).content.decode())
    assert shown(page) == {ids["advance_filed"]}
    assert 'aria-current="page">À instruire<' in page
    tabs = {"to_complete": {ids["advance_to_complete"]}, "done": {ids["advance_paid"], ids["advance_rejected"]},
            "all": set(ids.values()) - {ids["draft"]}}  # fmt: skip
    for tab, expected in tabs.items():
        assert shown(instructor.get(reverse("portal:queue"), {"tab": tab}).content.decode()) == expected, tab


def test_the_queue_names_the_client_its_profession_and_solution_and_selects_all(today, instructor):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    professional = dossier.declared["client"]["rpps"]
    from sons.directory.models import Professional

    person = Professional.objects.get(rpps=professional)
    page = html.unescape(instructor.get(reverse("portal:queue")).content.decode())
    assert person.last_name in page and person.get_profession_display() in page
    assert str(dossier.solution_version) in page
    assert 'data-select-all="dossiers"' in page and "select-all.js" in page


def test_the_finding_filter_lists_the_rules_french_labels_never_their_codes(today, instructor):
    today("2026-09-01")
    page = html.unescape(instructor.get(reverse("portal:queue")).content.decode())
    options = re.findall(r'<option value="([a-z0-9_]+)"[^>]*>([^<]*)</option>', page)
    labels = dict(options)
    assert "§4.3 — « un bon de commande libellé au nom du Client »." in labels.values()
    assert labels["order_in_client_name"].startswith("§4.3")
    assert "order_signed_in_window" not in page and "par exemple" not in page
    assert not any("_" in label for label in labels.values())


def test_exporting_the_view_gives_exactly_its_rows_finding_and_deadline_included(today, instructor):
    today("2026-09-01")
    conditional = DossierFactory(order={"mention_conditional_referencing": True})
    version = conditional.solution_version
    version.referencing, version.referenced_on, version.complete_dossier_on = "pending", None, None
    version.save()
    DossierFactory(order={"mention_conditional_referencing": True}, version=version)  # same version, 2nd
    DossierFactory(order={"in_client_name": False})  # another finding, another version
    DossierFactory(advance_validated=True)
    today("2026-11-20")  # the 120 days of §4.3 end within 30 days for the conditional orders
    for params in (
        {},
        {"tab": "all"},
        {"finding": "order_in_client_name"},
        {"deadline": "30", "tab": "all"},
        {"deadline": "30", "finding": "order_in_client_name"},
    ):
        page = instructor.get(reverse("portal:queue"), params).content.decode()
        query = re.search(r'href="/exports/dossiers\.csv\?([^"]*)"', page).group(1)
        export = instructor.get(
            reverse("portal:export", args=["dossiers", "csv"]) + "?" + html.unescape(query)
        )
        rows = [line for line in b"".join(export.streaming_content).decode("utf-8-sig").splitlines() if line]
        assert count_of(page) == len(rows) - 1, params
    assert count_of(instructor.get(reverse("portal:queue"), {"tab": "all"}).content.decode()) == 4


def test_the_suppliers_list_names_its_clients(today):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    from sons.directory.models import Professional

    person = Professional.objects.get(rpps=dossier.rpps)
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-liste", dossier.supplier)
    page = html.unescape(supplier.get(reverse("portal:supplier_dossiers")).content.decode())
    assert (
        person.last_name in page
        and person.get_profession_display() in page
        and f"RPPS {dossier.rpps}" in page
    )

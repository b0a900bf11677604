"""One evaluation per decision, kept with its trace: the pages show what was decided; « Réévaluer » shows what
the rules would say today, without storing it."""

import pytest
from django.urls import reverse

from sons.directory.models import Professional
from sons.dossiers import actions, evaluations
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, join_pieces, staff, supplier_token
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


def test_each_decision_keeps_its_evaluation_with_its_trace(today):
    today("2026-09-01")
    dossier = DossierFactory(order={"vat_rate": None})  # filed with a blocking finding
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    actions.request_completion(instructor, dossier, "Le taux de TVA manque.")
    supplier = supplier_token(dossier.supplier)[0]
    join_pieces(dossier, "advance")  # the signed order, joined after the direct filing (§6.2)
    actions.complete(supplier, dossier, {"order": {"vat_rate": "20"}}, "Taux ajouté.")
    actions.validate(instructor, dossier)
    kept = list(dossier.evaluations.order_by("at", "pk"))
    assert [(e.step, e.decision) for e in kept] == [
        ("file_advance", "not_admissible"), ("complete_advance", "admissible"), ("validate_advance", "admissible")
    ]  # fmt: skip
    assert [f["rule"] for f in kept[0].findings] == ["order_states_vat_rate"]
    failed = [line for line in kept[0].trace if line[2] == "failed"]
    assert [line[0] for line in failed] == ["order_states_vat_rate"] and failed[0][1] == "5.2"
    assert kept[2].amounts["financed"] == "270.00"


def test_a_directory_change_shows_on_the_reevaluation_never_on_the_decision(today):
    today("2026-09-01")
    dossier = DossierFactory()
    Professional.objects.filter(rpps=dossier.rpps).update(practice="salaried")  # left liberal practice
    comparison = evaluations.what_would_change(dossier)
    assert (comparison.stored.decision, comparison.today.decision) == ("admissible", "not_admissible")
    assert [f["rule"] for f in comparison.appeared] == ["client_practises_in_cabinet_liberal"]
    (then, now), *_ = comparison.changed_rules
    assert (then[0], then[2], now[2]) == ("client_practises_in_cabinet_liberal", "passed", "failed")
    assert dossier.evaluations.count() == 1  # nothing stored

    client = signed_in(Role.ASP_INSTRUCTOR, "instructeur")
    page = client.get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="decision">Recevable<' in page and "Aucun constat" in page
    assert "non respectée" not in page  # the stored trace agrees with the stored findings
    again = client.get(reverse("portal:dossier_reevaluation", args=[dossier.pk])).content.decode()
    assert 'data-testid="decision-aujourdhui">Non recevable<' in again
    assert "Le Client n&#x27;exerce pas en cabinet libéral" in again

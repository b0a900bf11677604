"""The new-dossier form for an order covering several centres de santé infirmiers (§4.2): one line per
centre, « FINESS ; montant », each becoming a line « Prestation Ségur » of its centre; a bad line is a field
error that says how to write it."""

from decimal import Decimal

from django.urls import reverse

from sons.dossiers.models import Dossier, DossierCentre
from tests.db_factories import CentreFactory
from tests.portal.test_spaces import signed_in


def centre_form(spaces, main, others: str) -> dict:
    return {"finess_geo": main.finess_geo, "solution_version": spaces.version.pk, "issued_on": "2026-08-01",
            "signed_on": "2026-08-10", "signature": "psc", "amount": "2970.00", "vat_rate": "20",
            "in_client_name": "on", "mention_state_funded": "on", "centre_certificate_commitment": "on",
            "additional_centres": others}  # fmt: skip


def test_an_order_for_two_centres_from_the_form(client, spaces):
    signed_in(client, spaces.supplier)
    main, other = CentreFactory(tranche="B"), CentreFactory(tranche="A")
    client.post(reverse("portal:dossier_new"), centre_form(spaces, main, f"{other.finess_geo} ; 1 890,00\n"))
    dossier = Dossier.objects.get()
    assert dossier.decision == "admissible", dossier.findings
    assert dossier.cap == Decimal("4860.00")
    assert sorted(DossierCentre.objects.values_list("finess_geo", flat=True)) == sorted(
        [main.finess_geo, other.finess_geo]
    )


def test_a_bad_centre_line_is_a_field_error(client, spaces):
    signed_in(client, spaces.supplier)
    response = client.post(
        reverse("portal:dossier_new"), centre_form(spaces, CentreFactory(), "75 ; deux mille")
    )
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert (
        "Ligne 1 : écrivez « n° FINESS géographique (9 caractères) ; montant TTC »"
        in response.content.decode()
    )

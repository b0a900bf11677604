"""The French rendering shows issue 14's amounts when they apply: per centre, the rate at instruction, the excess."""

from sons.rules.explain import render_text
from tests.factories import balance_request, centre, run


def test_an_order_for_several_centres_shows_each_centres_amounts():
    from tests.factories import FINESS
    from tests.rules.test_client import FINESS_2, line, other_centre

    data = centre("A", client__additional_centres=[other_centre()],
                  order__lines=[line(FINESS, "1890.00"), line(FINESS_2, "2970.00")])  # fmt: skip
    text = render_text(run(data))
    assert f"FINESS géographique {FINESS} (tranche A) : plafond 1 890,00 € ; financé 1 890,00 €" in text
    assert f"FINESS géographique {FINESS_2} (tranche B) : plafond 2 970,00 € ; financé 2 970,00 €" in text


def test_an_advance_above_the_invoice_shows_what_is_to_be_repaid():
    text = render_text(run(balance_request(balance__invoice__amount="100.00")))
    assert "à reverser (§7) : 8,00 €" in text
    assert "à reverser" not in render_text(run(balance_request()))

"""Every irreversible decision opens a confirmation panel (the withdrawal page's pattern) with its motive:
required to reject, to ask for a completion, to declare an incapacity, to grant or refuse a referencing, to
send or confirm a SEPA batch; nothing happens on the GET, nor on a POST without the motive."""

import html

import pytest
from django.urls import reverse

from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, join_pieces
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(today):
    today("2026-09-01")
    return DossierFactory(advance_filed=True)


def state_of(dossier) -> str:
    return Dossier.objects.get(pk=dossier.pk).state


def test_the_dossier_page_opens_panels_instead_of_deciding_in_one_click(filed):
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-panneaux")
    page = instructor.get(reverse("portal:dossier", args=[filed.pk])).content.decode()
    assert f'action="{reverse("portal:dossier_decide", args=[filed.pk])}"' not in page
    for decision in ("validate", "request_completion", "reject"):
        assert f"?decision={decision}" in page


@pytest.mark.parametrize(
    ("decision", "label", "state"),
    [("reject", "Motifs du rejet", S.ADVANCE_REJECTED), ("request_completion", "Ce que le Fournisseur doit compléter",
                                                          S.ADVANCE_TO_COMPLETE)],
)  # fmt: skip
def test_a_rejection_or_a_completion_request_needs_its_motive(filed, decision, label, state):
    instructor = signed_in(Role.ASP_INSTRUCTOR, f"instructeur-{decision}")
    url = reverse("portal:dossier_decide", args=[filed.pk])
    panel = instructor.get(url, {"decision": decision})
    page = html.unescape(panel.content.decode())
    assert panel.status_code == 200 and label in page and 'name="motive"' in page
    assert state_of(filed) == S.ADVANCE_FILED  # nothing done by the GET
    refused = instructor.post(url, {"decision": decision, "motive": "  "})
    assert refused.status_code == 400 and "fr-input-group--error" in refused.content.decode()
    assert "Motif : obligatoire" in html.unescape(refused.content.decode())
    assert state_of(filed) == S.ADVANCE_FILED
    done = instructor.post(url, {"decision": decision, "motive": "Bon de commande illisible (AF §6.2)."})
    assert done.url == reverse("portal:dossier", args=[filed.pk])
    assert state_of(filed) == state
    assert filed.transitions.order_by("-pk").first().reason == "Bon de commande illisible (AF §6.2)."


ORDER_MISSING = (
    "Pièce manquante : Copie du bon de commande de la Prestation Ségur signé par le Client (AF §6.2)"
)


def test_a_validation_goes_through_its_panel_its_message_optional(filed):
    join_pieces(filed, "advance")
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-valide")
    url = reverse("portal:dossier_decide", args=[filed.pk])
    page = html.unescape(instructor.get(url, {"decision": "validate"}).content.decode())
    assert "108,00" in page and "Valider la demande d'avance" in page
    assert "Pièce manquante" not in page and "disabled" not in page
    instructor.post(url, {"decision": "validate", "motive": ""})
    assert state_of(filed) == S.ADVANCE_VALIDATED


def test_an_advance_without_its_signed_order_cannot_be_validated_its_panel_says_so_first(filed):
    """Filed without draft (the API, the bulk filings), the order came without its signed copy (§6.2): the
    dossier page and the panel say so before the click, the button is disabled, a forced validation is refused."""
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-piece")
    dossier_page = html.unescape(instructor.get(reverse("portal:dossier", args=[filed.pk])).content.decode())
    assert ORDER_MISSING in dossier_page and "demandez un complément au Fournisseur" in dossier_page
    url = reverse("portal:dossier_decide", args=[filed.pk])
    panel = instructor.get(url, {"decision": "validate"})
    page = html.unescape(panel.content.decode())
    assert panel.status_code == 200 and ORDER_MISSING in page and 'data-testid="pieces-manquantes"' in page
    assert '<button class="fr-btn" type="submit" disabled aria-describedby="pieces-manquantes">' in page
    assert "?decision=request_completion" in page  # the completion request offered instead
    forced = instructor.post(url, {"decision": "validate", "motive": ""})
    refusal = html.unescape(forced.content.decode())
    assert forced.status_code == 409
    assert "Validation impossible : pièce(s) obligatoire(s) manquante(s)" in refusal
    assert state_of(filed) == S.ADVANCE_FILED
    assert not filed.transitions.filter(name="validate_advance").exists()
    # The completion request's panel names the piece too; the supplier sees what to join.
    completion = html.unescape(instructor.get(url, {"decision": "request_completion"}).content.decode())
    assert ORDER_MISSING in completion and "Merci de joindre la pièce manquante" in completion
    paying = signed_in(Role.ASP_PAYING_AGENT, "agent-payeur-piece")  # reads it: the instructor asks
    paying_page = html.unescape(paying.get(reverse("portal:dossier", args=[filed.pk])).content.decode())
    assert ORDER_MISSING in paying_page and "demandez un complément" not in paying_page
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-piece", organisation=filed.supplier)
    supplier_page = html.unescape(supplier.get(reverse("portal:dossier", args=[filed.pk])).content.decode())
    assert ORDER_MISSING in supplier_page and "joignez-la au dossier" in supplier_page
    # Joined, the alert is gone and the validation goes through.
    join_pieces(filed, "advance")
    assert ORDER_MISSING not in html.unescape(instructor.get(url, {"decision": "validate"}).content.decode())
    assert instructor.post(url, {"decision": "validate", "motive": ""}).status_code == 302
    assert state_of(filed) == S.ADVANCE_VALIDATED


def queue_row(page: str, dossier) -> str:
    link = f'href="{reverse("portal:dossier", args=[dossier.pk])}"'
    (row,) = [row for row in page.split("<tr>") if link in row]
    return row


def test_the_queue_marks_the_advances_without_their_signed_order_in_one_query(filed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    joined = DossierFactory(advance_filed=True)
    join_pieces(joined, "advance")
    validated = DossierFactory(advance_validated=True)  # its order joined before its validation
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-file")
    with CaptureQueriesContext(connection) as three:
        page = instructor.get(reverse("portal:queue"), {"tab": "all"}).content.decode()
    assert 'data-testid="piece-manquante"' in queue_row(page, filed)
    assert "conforme" not in queue_row(page, filed)
    assert 'data-testid="piece-manquante"' not in queue_row(page, joined) + queue_row(page, validated)
    more = DossierFactory.create_batch(2, advance_filed=True)
    with CaptureQueriesContext(connection) as five:
        page = instructor.get(reverse("portal:queue"), {"tab": "all"}).content.decode()
    assert all('data-testid="piece-manquante"' in queue_row(page, dossier) for dossier in more)

    def page_queries(context):  # the session's own save is not the page's
        return [q for q in context.captured_queries if "django_session" not in q["sql"]]

    assert len(page_queries(five)) == len(page_queries(three))  # no query per dossier


def test_the_declaration_of_incapacity_shows_the_recovery_and_needs_a_motive(today):
    today("2026-09-01")
    paid = DossierFactory(advance_paid=True)
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-incapable", paid.supplier)
    page = supplier.get(reverse("portal:dossier", args=[paid.pk])).content.decode()
    assert (
        f'action="{reverse("portal:dossier_incapacity", args=[paid.pk])}"' not in page
    )  # a link to the panel
    url = reverse("portal:dossier_incapacity", args=[paid.pk])
    panel = html.unescape(supplier.get(url).content.decode())
    assert "recouvrement" in panel and "108,00" in panel
    assert supplier.post(url, {"motive": ""}).status_code == 400
    assert state_of(paid) == S.ADVANCE_PAID
    supplier.post(url, {"motive": "Le Client a cessé son activité."})
    assert state_of(paid) == S.IN_RECOVERY


def test_granting_a_referencing_opens_a_panel_with_its_impact_and_motive(today):
    from tests.db_factories import SolutionVersionFactory
    from tests.portal.factories import dossier

    today("2026-09-01")
    version = SolutionVersionFactory(pending=True)
    dossier(version, S.ADVANCE_SUBJECT_TO_REFERENCING)
    ans = signed_in(Role.ANS_AGENT, "agent-ans-panneau")
    url = reverse("portal:ans_referencing", args=[version.pk])
    page = ans.get(reverse("portal:ans_version", args=[version.pk])).content.decode()
    assert f'action="{url}"' not in page
    panel = html.unescape(ans.get(url, {"decision": "grant"}).content.decode())
    assert "1 demande(s) d'avance" in panel and "seront validées" in panel
    assert ans.post(url, {"decision": "grant"}).status_code == 400
    version.refresh_from_db()
    assert version.referencing == "pending"
    ans.post(url, {"decision": "grant", "motive": "Dossier complet, conforme."})
    version.refresh_from_db()
    assert version.referencing == "granted"
    assert version.transitions.get().reason == "Dossier complet, conforme."


def test_the_dossier_names_its_client_and_says_the_rules_only_advise(today):
    today("2026-09-01")
    rejected = DossierFactory(advance_rejected=True)
    from sons.directory.models import Professional

    person = Professional.objects.get(rpps=rejected.rpps)
    page = html.unescape(
        signed_in(Role.ASP_INSTRUCTOR, "instructeur-client").get(reverse("portal:dossier", args=[rejected.pk]))
        .content.decode()
    )  # fmt: skip
    client = page.split('data-testid="client">')[1].split("</li>")[0]
    assert (
        person.last_name in client and person.get_profession_display() in client and rejected.rpps in client
    )
    assert "décision des règles" not in page and "la décision revient à l'ASP" in page
    assert "Décision de rejet" in page.split('data-testid="derniere-decision"')[1][:400]


def test_a_dossier_in_recovery_shows_its_amount_deadline_and_letters(today):
    today("2026-09-01")
    noticed = DossierFactory(recovery_notice_sent=True)
    supplier = signed_in(Role.SUPPLIER_MEMBER, "fournisseur-recouvre", noticed.supplier)
    page = html.unescape(supplier.get(reverse("portal:dossier", args=[noticed.pk])).content.decode())
    box = page.split('data-testid="recouvrement"')[1].split("</div>")[0]
    assert "108,00" in box and "mise en demeure adressée le 21/09/2026" in box
    assert "jusqu'au" in box
    letter = reverse("portal:dossier_recovery_letter", args=[noticed.pk, "formal-notice"])
    assert letter in box
    response = supplier.get(letter)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_bulk_rejection_confirms_with_its_motive(today):
    today("2026-09-01")
    first, second = DossierFactory(), DossierFactory()
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-lot")
    chosen = {
        "decision": "reject",
        "dossiers": [first.pk, second.pk],
        "message": "Pièces illisibles (AF §6.2).",
    }
    panel = html.unescape(instructor.post(reverse("portal:decide_bulk"), chosen).content.decode())
    assert f"n° {first.pk}, n° {second.pk}" in panel and "Pièces illisibles (AF §6.2).</textarea>" in panel
    assert (state_of(first), state_of(second)) == (S.ADVANCE_FILED, S.ADVANCE_FILED)
    refused = instructor.post(reverse("portal:decide_bulk"), {**chosen, "confirmed": "1", "motive": ""})
    assert refused.status_code == 400 and state_of(first) == S.ADVANCE_FILED
    instructor.post(
        reverse("portal:decide_bulk"), {**chosen, "confirmed": "1", "motive": "Pièces illisibles."}
    )
    assert (state_of(first), state_of(second)) == (S.ADVANCE_REJECTED, S.ADVANCE_REJECTED)


def test_a_bulk_validation_reports_the_missing_order_and_validates_the_others(today):
    today("2026-09-01")
    lacking, complete = DossierFactory(), DossierFactory()
    join_pieces(complete, "advance")
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-lot-valide")
    chosen = {"decision": "validate", "dossiers": [lacking.pk, complete.pk], "confirmed": "1", "motive": ""}
    done = instructor.post(reverse("portal:decide_bulk"), chosen, follow=True)
    said = [html.unescape(str(m)) for m in done.context["messages"]]
    assert (state_of(lacking), state_of(complete)) == (S.ADVANCE_FILED, S.ADVANCE_VALIDATED)
    assert "1 dossier(s) traité(s)." in said
    refusal = (f"Dossier n° {lacking.pk} : Validation impossible : pièce(s) obligatoire(s) manquante(s) — Copie du "
               "bon de commande de la Prestation Ségur signé par le Client (AF §6.2). Demandez un complément au "
               "Fournisseur.")  # fmt: skip
    assert refusal in said


def test_a_recovery_step_opens_its_panel_first(today):
    today("2026-09-01")
    recovering = DossierFactory(in_recovery=True)
    from sons.recoveries.models import RecoveryCase

    case = RecoveryCase.objects.get(dossier=recovering)
    instructor = signed_in(Role.ASP_INSTRUCTOR, "instructeur-recouvrement")
    url = reverse("portal:recovery_step", args=[case.pk])
    panel = html.unescape(instructor.post(url, {"step": "send_formal_notice"}).content.decode())
    assert "jours pour remédier" in panel and 'name="motive"' not in panel  # nothing to type, only to confirm
    assert state_of(recovering) == S.IN_RECOVERY
    instructor.post(url, {"step": "send_formal_notice", "confirmed": "1"})
    assert state_of(recovering) == S.RECOVERY_NOTICE_SENT
    refused = instructor.post(url, {"step": "cancel_recovery", "confirmed": "1", "motive": ""})
    assert refused.status_code == 400 and state_of(recovering) == S.RECOVERY_NOTICE_SENT
    instructor.post(url, {"step": "cancel_recovery", "confirmed": "1", "motive": "Prestation réalisée."})
    assert state_of(recovering) == S.RECOVERY_CANCELLED

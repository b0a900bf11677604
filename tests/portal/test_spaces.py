"""The supplier, instructor and paying-agent spaces through Django's test client: scoping, decisions, payments."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sons.dossiers.enums import DossierState as S
from sons.dossiers.models import Dossier
from sons.payments.models import PaymentBatch
from tests.db_factories import join_pieces
from tests.portal.world import PASSWORD
from tests.second_factor import verified

pytestmark = pytest.mark.django_db


def signed_in(client, principal):
    assert client.login(username=principal.label, password=PASSWORD)
    return verified(client, principal.user)


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("portal:supplier_home"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))


def test_each_role_lands_in_its_space_and_others_are_forbidden(client, spaces):
    signed_in(client, spaces.supplier)
    assert client.get(reverse("portal:space")).url == reverse("portal:supplier_home")
    assert client.get(reverse("portal:queue")).status_code == 403
    assert "Accès refusé" in client.get(reverse("portal:batches")).content.decode()
    client.logout()
    signed_in(client, spaces.instructor)
    assert client.get(reverse("portal:space")).url == reverse("portal:queue")
    assert client.get(reverse("portal:dossier_new")).status_code == 403


def test_a_supplier_gets_a_404_on_another_suppliers_dossier(client, spaces):
    dossier = spaces.file(spaces.professionals[0])
    signed_in(client, spaces.other_supplier)
    for name in ("portal:dossier", "portal:dossier_file", "portal:dossier_answer"):
        method = client.get if name == "portal:dossier" else client.post
        assert method(reverse(name, args=[dossier.pk])).status_code == 404
    assert client.get(reverse("portal:dossier_model", args=[dossier.pk, "order"])).status_code == 404
    page = client.get(reverse("portal:supplier_dossiers")).content.decode()
    assert f'href="/dossiers/{dossier.pk}/"' not in page


def test_a_draft_shows_the_rules_findings_before_it_is_filed(client, spaces):
    signed_in(client, spaces.supplier)
    form = {"rpps": spaces.professionals[0].rpps, "solution_version": spaces.version.pk, "issued_on": "2026-08-01",
            "signed_on": "2026-08-10", "signature": "psc", "amount": "270.00", "vat_rate": "20",
            "in_client_name": "on", "de_minimis_other_aid": "0"}  # fmt: skip
    response = client.post(reverse("portal:dossier_new"), form)
    dossier = Dossier.objects.get()
    assert response.url == reverse("portal:dossier", args=[dossier.pk]) and dossier.state == S.DRAFT
    page = client.get(response.url).content.decode()
    assert "Montants de la Prestation Ségur pris en charge" in page  # the missing mention, a blocking finding
    assert "bloquant" in page and "§4.3" in page
    join_pieces(dossier, "advance")
    client.post(reverse("portal:dossier_file", args=[dossier.pk]), {"confirm_blocking": "on"})
    dossier.refresh_from_db()
    assert dossier.state == S.ADVANCE_FILED


def test_bulk_upload_reports_each_line_and_files_the_good_ones(client, spaces, tmp_path):
    signed_in(client, spaces.supplier)
    good = {"client": {"rpps": spaces.professionals[1].rpps}, "solution_version_id": spaces.version.pk,
            "order": {"issued_on": "2026-08-01", "signed_on": "2026-08-10", "signature": "psc",
                      "lines": [{"label": "Prestation Ségur", "amount": "270.00"}], "vat_rate": "20",
                      "in_client_name": True, "mention_state_funded": True,
                      "mention_conditional_referencing": False},
            "de_minimis_other_aid": "0.00"}  # fmt: skip
    bad = {**good, "solution_version_id": "x"}
    path = tmp_path / "lot.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with path.open("rb") as upload:
        page = client.post(reverse("portal:bulk_filing"), {"file": upload}).content.decode()
    assert "1 déposé(s), 1 refusé(s)" in page
    assert "solution_version_id" in page
    assert Dossier.objects.filter(rpps=spaces.professionals[1].rpps, state=S.ADVANCE_FILED).exists()
    csv_path = tmp_path / "lot.csv"
    csv_path.write_text(
        "rpps;solution_version_id;issued_on;signed_on;signature;amount;vat_rate;in_client_name;"
        "mention_state_funded;mention_conditional_referencing\n"
        f"{spaces.professionals[2].rpps};{spaces.version.pk};2026-08-01;2026-08-10;psc;270,00;20;oui;oui;non\n"
        f"{spaces.professionals[3].rpps};{spaces.version.pk};2026-08-01;2026-08-10;psc;abc;20;oui;oui;non\n",
        encoding="utf-8",
    )
    with csv_path.open("rb") as upload:
        page = client.post(reverse("portal:bulk_filing"), {"file": upload}).content.decode()
    assert "1 déposé(s), 1 refusé(s)" in page


def test_instructor_filters_saves_a_view_and_decides_in_bulk(client, spaces):
    dossiers = [spaces.file(p) for p in spaces.professionals[:3]]
    for dossier in dossiers:
        join_pieces(dossier, "advance")  # the signed order, joined after the direct filing (§6.2)
    signed_in(client, spaces.instructor)
    page = client.get(reverse("portal:queue"), {"state": S.ADVANCE_FILED}).content.decode()
    assert "3 dossier(s)" in page
    client.post(reverse("portal:save_view"), {"name": "À instruire", "state": S.ADVANCE_FILED})
    assert "À instruire" in client.get(reverse("portal:queue")).content.decode()
    response = client.post(
        reverse("portal:decide_bulk"),
        {"decision": "reject", "dossiers": [dossiers[0].pk], "retour": "tab=all"},
    )  # the queue again, the selection kept, the error beside the message
    page = response.content.decode()
    assert response.status_code == 400 and "Message : obligatoire" in page
    assert f'value="{dossiers[0].pk}" id="sel-{dossiers[0].pk}" checked' in page
    assert f'value="{dossiers[1].pk}" id="sel-{dossiers[1].pk}">' in page
    chosen = {"decision": "validate", "dossiers": [d.pk for d in dossiers[:2]]}
    panel = client.post(
        reverse("portal:decide_bulk"), chosen
    )  # the confirmation panel first: nothing decided
    assert panel.status_code == 200 and "Valider : 2 dossier(s)" in panel.content.decode()
    assert Dossier.objects.filter(state=S.ADVANCE_VALIDATED).count() == 0
    client.post(reverse("portal:decide_bulk"), {**chosen, "confirmed": "1", "motive": ""})
    states = sorted(Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).values_list("state", flat=True))
    assert states == sorted([S.ADVANCE_VALIDATED, S.ADVANCE_VALIDATED, S.ADVANCE_FILED])


def test_paying_agent_prepares_sends_and_confirms_a_batch(client, spaces):
    from sons.dossiers import actions

    dossier = spaces.file(spaces.professionals[0])
    join_pieces(dossier, "advance")
    actions.validate(spaces.instructor, dossier)
    signed_in(client, spaces.paying_agent)
    response = client.post(reverse("portal:batch_prepare"))
    batch = PaymentBatch.objects.get()
    assert response.url == reverse("portal:batch", args=[batch.pk])
    xml = client.get(reverse("portal:batch_sepa", args=[batch.pk]))
    assert xml["Content-Type"] == "application/xml" and b"pain.001.001.03" in xml.content
    panel = client.get(reverse("portal:batch_move", args=[batch.pk, "transmettre"]))
    assert panel.status_code == 200 and "Motif de la transmission" in panel.content.decode()
    assert (
        client.post(reverse("portal:batch_move", args=[batch.pk, "transmettre"])).status_code == 400
    )  # no motive
    batch.refresh_from_db()
    assert batch.state == "prepared"
    client.post(reverse("portal:batch_move", args=[batch.pk, "transmettre"]), {"motive": "Lot hebdomadaire."})
    client.post(reverse("portal:batch_move", args=[batch.pk, "confirmer"]), {"motive": "Relevé n° 42."})
    assert list(batch.transitions.values_list("reason", flat=True)) == ["Lot hebdomadaire.", "Relevé n° 42."]
    shown = client.get(reverse("portal:batch", args=[batch.pk])).content.decode()
    assert "Relevé n° 42." in shown and "fr-badge--success" in shown
    batch.refresh_from_db()
    dossier.refresh_from_db()
    assert batch.state == "confirmed" and dossier.state == S.ADVANCE_PAID
    assert "Confirmé" in client.get(reverse("portal:batch", args=[batch.pk])).content.decode()


def test_instructor_exports_the_current_view_and_sees_document_checks(client, spaces):
    import io

    from openpyxl import load_workbook

    from sons.documents.store import store_upload
    from tests.queue import run_pending

    dossiers = [spaces.file(p) for p in spaces.professionals[:3]]
    from sons.dossiers import actions

    join_pieces(dossiers[0], "advance")
    actions.validate(spaces.instructor, dossiers[0])
    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()  # a page without text, as a scan
    document = store_upload(dossiers[1], "order", "scan.pdf", bytes(blank.output()), "fournisseur")
    run_pending()  # the check, as a worker runs it
    document.refresh_from_db()
    assert document.findings and document.findings[0]["severity"] == "warning"
    signed_in(client, spaces.instructor)
    response = client.get(reverse("portal:export", args=["dossiers", "csv"]), {"state": S.ADVANCE_FILED})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = [line for line in body.splitlines() if line]
    assert len(lines) == 1 + 2  # header and the two dossiers still filed
    response = client.get(reverse("portal:export", args=["dossiers", "xlsx"]), {"tab": "all"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 1 + 3
    page = client.get(reverse("portal:dossier", args=[dossiers[1].pk])).content.decode()
    assert ("scan.pdf" in page and "avertissement" not in page.lower()) or "texte" in page.lower()
    assert client.get(reverse("portal:export", args=["autre", "csv"])).status_code == 404


def test_supplier_submits_a_pilot_checked_by_the_rules(client, spaces):
    from sons.dossiers import actions
    from sons.dossiers.models import Pilot

    dossiers = [spaces.file(p) for p in spaces.professionals[:5]]
    for dossier in dossiers:
        join_pieces(dossier, "advance")
        actions.validate(spaces.instructor, dossier)
    signed_in(client, spaces.supplier)
    ids = [d.pk for d in dossiers]
    page = client.post(
        reverse("portal:supplier_pilot"), {"dossiers": ids[:4], "pv": ids[:4]}
    ).content.decode()
    assert "Périmètre pilote refusé par les règles" in page and "§6.3" in page
    assert not Pilot.objects.exists()
    client.post(reverse("portal:supplier_pilot"), {"dossiers": ids, "pv": ids, "training": "on"})
    pilot = Pilot.objects.get()
    assert pilot.dossiers.count() == 5 and pilot.training_materials_sent


def test_models_and_pieces_are_served_as_the_api_serves_them(client, spaces):
    from fpdf import FPDF

    from sons.documents.storage import documents_storage
    from sons.documents.store import store_upload

    dossier = spaces.file(spaces.professionals[0])
    signed_in(client, spaces.supplier)
    model = client.get(reverse("portal:dossier_model", args=[dossier.pk, "order"]))
    assert model["Content-Type"] == "application/pdf" and model["Cache-Control"] == "private, no-store"
    assert model.content.startswith(b"%PDF-")
    blank = FPDF()
    blank.add_page()
    piece = store_upload(dossier, "order", "bon.pdf", bytes(blank.output()), "fournisseur")
    url = reverse("portal:dossier_document", args=[dossier.pk, piece.pk])
    assert client.get(url)["ETag"] == f'"{piece.sha256}"'
    documents_storage().delete(piece.path)
    assert client.get(url).status_code == 404  # a piece missing from the storage, not a 500


def test_supplier_files_the_balance_from_the_dossier_page(today, client, spaces):
    from sons.dossiers import actions
    from sons.payments.actions import confirm_batch, prepare_batch, send_batch

    dossier = spaces.file(spaces.professionals[0])
    join_pieces(dossier, "advance")
    actions.validate(spaces.instructor, dossier)
    confirm_batch(spaces.paying_agent, send_batch(spaces.paying_agent, prepare_batch(spaces.paying_agent)))
    today("2027-12-10")
    join_pieces(dossier, "balance")
    signed_in(client, spaces.supplier)
    functions = ["psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received", "send_mes",
                 "consult_mes", "segur_documents"]  # fmt: skip
    client.post(reverse("portal:dossier_balance", args=[dossier.pk]), {
        "completed_on": "2027-12-01", "va_signed_on": "2027-12-05", "va_signature": "psc",
        "va_functions": functions, "invoice_issued_on": "2027-12-06", "invoice_amount": "270.00",
        "invoice_in_client_name": "on", "training_delivered": "on",
    })  # fmt: skip
    dossier.refresh_from_db()
    balance = dossier.declared["balance"]
    assert dossier.state == S.BALANCE_FILED and balance["va"]["functions"] == functions
    assert balance["invoice"]["amount"] == Decimal("270.00")
    assert balance["training_delivered"] is True
    assert "training_delivered_for_balance" not in [f["rule"] for f in dossier.findings]


def test_the_queue_filters_on_the_profession_as_the_rules_read_it(client, spaces):
    from tests.db_factories import ProfessionalFactory

    ipa = ProfessionalFactory(profession="ide", is_ipa=True)
    nurse = ProfessionalFactory(profession="ide", is_ipa=False)
    ipa_dossier, nurse_dossier = spaces.file(ipa), spaces.file(nurse)
    signed_in(client, spaces.instructor)
    ipa_page = client.get(reverse("portal:queue"), {"profession": "ipa"}).content.decode()
    ide_page = client.get(reverse("portal:queue"), {"profession": "ide"}).content.decode()
    assert (
        f'href="/dossiers/{ipa_dossier.pk}/"' in ipa_page
        and f'href="/dossiers/{nurse_dossier.pk}/"' not in ipa_page
    )
    assert (
        f'href="/dossiers/{nurse_dossier.pk}/"' in ide_page
        and f'href="/dossiers/{ipa_dossier.pk}/"' not in ide_page
    )


def test_conditional_orders_whose_120_days_run_out_in_the_queue_and_the_dashboard(client, spaces):
    """Today 2026-09-01: a conditional order signed on 2026-05-04 reaches its 120th day today (still
    running); one signed on 2026-05-03 has run out."""
    from sons.registry.enums import Referencing

    spaces.version.referencing, spaces.version.referenced_on = Referencing.PENDING, None
    spaces.version.complete_dossier_on = None
    spaces.version.save()
    signed = {
        "today": "2026-05-04",
        "ran_out": "2026-05-03",
        "in_29_days": "2026-06-02",
        "in_67_days": "2026-07-10",
    }
    dossiers = {
        name: spaces.file(professional, issued_on=day, signed_on=day)
        for (name, day), professional in zip(signed.items(), spaces.professionals, strict=False)
    }

    def shown(page, name):
        return f'href="/dossiers/{dossiers[name].pk}/"' in page

    signed_in(client, spaces.instructor)
    page = client.get(reverse("portal:queue"), {"deadline": "30"}).content.decode()
    assert [name for name in signed if shown(page, name)] == ["today", "in_29_days"]
    client.logout()
    signed_in(client, spaces.supplier)
    page = client.get(reverse("portal:supplier_home")).content.decode()
    conditional = page.split("<h2>Commandes conditionnelles (120 jours)</h2>")[1]
    assert [name for name in signed if shown(conditional, name)] == ["today", "in_29_days", "in_67_days"]


def test_client_search_shows_the_rules_eligibility_with_facts_read_once(client, spaces):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.db_factories import ProfessionalFactory

    ProfessionalFactory(last_name="QWERTYZ", practice="liberal")
    ProfessionalFactory(last_name="QWERTYZ", practice="salaried")
    signed_in(client, spaces.supplier)
    with CaptureQueriesContext(connection) as two:
        page = client.get(reverse("portal:client_search"), {"q": "QWERTYZ"}).content.decode()
    assert page.count('fr-badge--success">Éligible') == 1 and page.count('fr-badge--error">Non éligible') == 1
    ProfessionalFactory.create_batch(4, last_name="QWERTYZ", practice="liberal")
    with CaptureQueriesContext(connection) as six:
        page = client.get(reverse("portal:client_search"), {"q": "QWERTYZ"}).content.decode()
    assert page.count('fr-badge--success">Éligible') == 5

    # The session's own save (its expiry pushed back once a minute, sons.web) is not the search's.
    def search_queries(context):
        return [q for q in context.captured_queries if "django_session" not in q["sql"]]

    assert len(search_queries(six)) == len(search_queries(two))


def test_the_dossier_page_offers_the_steps_the_workflow_allows(client, spaces):
    from sons.dossiers import actions

    filed = spaces.file(spaces.professionals[0])
    validated = spaces.file(spaces.professionals[1])
    join_pieces(validated, "advance")
    validated = actions.validate(spaces.instructor, validated)
    signed_in(client, spaces.supplier)
    incapacity = "Déclarer l'incapacité"
    assert incapacity not in client.get(reverse("portal:dossier", args=[filed.pk])).content.decode()
    assert incapacity in client.get(reverse("portal:dossier", args=[validated.pk])).content.decode()
    client.logout()
    signed_in(client, spaces.instructor)
    assert "?decision=validate" in client.get(reverse("portal:dossier", args=[filed.pk])).content.decode()
    assert (
        "?decision=validate"
        not in client.get(reverse("portal:dossier", args=[validated.pk])).content.decode()
    )


def test_the_order_amount_is_asked_as_the_rules_read_it_ttc_at_the_orders_rate(client, spaces):
    """The field once said « (€ HT) » while the rules read TTC: an IDE's 225 € HT ceiling typed there was
    financed 225 € instead of 270 €, and the generated order printed « dont montant hors taxe 187,50 € »."""
    signed_in(client, spaces.supplier)
    page = client.get(reverse("portal:dossier_new")).content.decode()
    assert "Montant TTC de la ligne « Prestation Ségur » (€)" in page and "(€ HT)" not in page
    form = {"rpps": spaces.professionals[0].rpps, "solution_version": spaces.version.pk, "issued_on": "2026-08-01",
            "signed_on": "2026-08-10", "signature": "psc", "amount": "270.00", "vat_rate": "20",
            "in_client_name": "on", "mention_state_funded": "on", "de_minimis_other_aid": "0"}  # fmt: skip
    client.post(reverse("portal:dossier_new"), form)
    dossier = Dossier.objects.get()
    assert dossier.financed == Decimal("270.00") and dossier.advance_amount == Decimal("108.00")
    pdf = client.get(reverse("portal:dossier_model", args=[dossier.pk, "order"])).getvalue()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "dont montant hors taxe" in text and "225,00" in text and "187,50" not in text


def test_the_export_of_the_queue_has_exactly_the_rows_of_the_view(client, spaces):
    """« Exporter cette vue » with the finding and deadline filters too (it used to drop them: 1 shown, 2 exported)."""
    from sons.registry.enums import Referencing

    spaces.version.referencing, spaces.version.referenced_on = Referencing.PENDING, None
    spaces.version.complete_dossier_on = None
    spaces.version.save()
    for day, professional in zip(
        ["2026-05-04", "2026-05-03", "2026-07-10"], spaces.professionals, strict=False
    ):
        spaces.file(professional, issued_on=day, signed_on=day)  # 120th day today, ran out, 62 days to go
    spaces.file(spaces.professionals[3], mention_state_funded=False)  # a blocking finding of its own
    code = next(f["rule"] for f in Dossier.objects.last().findings if f["severity"] == "blocking")
    signed_in(client, spaces.instructor)
    views = [
        {"deadline": "30"},
        {"finding": code},
        {"deadline": "30", "finding": code},
        {"state": S.ADVANCE_FILED},
    ]
    sizes = []
    for view in views:
        page = client.get(reverse("portal:queue"), view).content.decode()
        shown = set(re.findall(r'href="/dossiers/(\d+)/"', page))
        export = client.get(reverse("portal:export", args=["dossiers", "csv"]), view)
        lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
        assert shown == {line.split(";")[0] for line in lines}, view
        sizes.append(len(shown))
    assert sizes[0] == 1 and sizes[1] >= 1 and sizes[3] == 4

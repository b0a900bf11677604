"""The dossier's thread on its page: the open completion request at the top with its due date and the answer
form; messages both ways with a PDF checked as every piece is, read receipts; internal notes that a supplier
never sees (not on the page, not in the API, and their form is a 404 for it)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sons.dossiers import actions
from sons.dossiers.models import Dossier, Message, Note
from sons.notifications.enums import EventKind
from sons.notifications.models import Event
from sons.suppliers.enums import Role
from tests.db_factories import DossierFactory, OrganisationFactory, staff
from tests.notifications.test_delivery import client_of, person
from tests.suppliers.world import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(today):
    today("2026-09-01")
    dossier = DossierFactory(advance_filed=True)
    instructor = staff(Role.ASP_INSTRUCTOR, "instructrice")[0]
    actions.request_completion(instructor, dossier, "Joignez le bon de commande signé.")
    return dossier, person("claire", organisation=dossier.supplier), instructor.user


def test_the_completion_request_is_at_the_top_with_its_due_date_and_the_answer_form(asked):
    dossier, claire, _ = asked
    page = client_of(claire).get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    top, request, answer, pieces = (page.index(marker) for marker in (
        "<h1>", 'data-testid="demande-de-complement"', 'id="titre-reponse"', "<h2>Constats des règles</h2>"))  # fmt: skip
    assert top < request < answer < pieces
    assert "Joignez le bon de commande signé." in page and "16/09/2026" in page
    response = client_of(claire).post(
        reverse("portal:dossier_answer", args=[dossier.pk]), {"message": "Voici."}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "advance_filed"
    page = client_of(claire).get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    assert 'data-testid="demande-de-complement"' not in page


def test_messages_both_ways_with_a_pdf_and_read_receipts(asked):
    dossier, claire, instructor = asked
    supplier, asp = client_of(claire), client_of(instructor)
    url = reverse("portal:dossier_message", args=[dossier.pk])
    supplier.post(url, {"message": "Le bon est en pièce jointe.", "file": pdf("bon.pdf")})
    message = Message.objects.get(dossier=dossier, body="Le bon est en pièce jointe.")
    assert message.from_supplier and message.document.name == "bon.pdf" and message.read_at is None
    event = Event.objects.get(kind=EventKind.MESSAGE_RECEIVED, dossier=dossier)
    assert event.audience == "instructors"
    page = asp.get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    assert "bon.pdf" in page
    message.refresh_from_db()
    assert message.read_at is not None and message.read_by
    assert "Lu le" in supplier.get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    # A file that is not a PDF is refused, in French, and no message is written.
    fake = SimpleUploadedFile("x.pdf", b"pas un pdf", content_type="application/pdf")
    response = supplier.post(url, {"message": "Autre pièce.", "file": fake}, follow=True)
    assert "Seuls les fichiers PDF sont acceptés." in response.content.decode()
    assert not Message.objects.filter(body="Autre pièce.").exists()
    # An empty message names its field.
    response = supplier.post(url, {"message": "  "}, follow=True)
    assert "Message : Le message est vide" in response.content.decode()


def test_internal_notes_are_never_shown_to_the_supplier(asked):
    dossier, claire, instructor = asked
    asp, supplier = client_of(instructor), client_of(claire)
    asp.post(reverse("portal:dossier_note", args=[dossier.pk]), {"note": "Fournisseur à surveiller de près."})
    assert Note.objects.filter(dossier=dossier).count() == 1
    assert (
        "Fournisseur à surveiller de près."
        in asp.get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    )
    page = supplier.get(reverse("portal:dossier", args=[dossier.pk])).content.decode()
    assert "surveiller" not in page and "Notes internes" not in page
    assert supplier.post(reverse("portal:dossier_note", args=[dossier.pk]), {"note": "x"}).status_code == 404
    assert Note.objects.filter(dossier=dossier).count() == 1
    assert not Event.objects.filter(payload__icontains="surveiller").exists()


def test_another_supplier_cannot_read_or_write_the_thread(asked):
    dossier, _, _ = asked
    intrus = client_of(person("intrus", organisation=OrganisationFactory()))
    assert intrus.get(reverse("portal:dossier", args=[dossier.pk])).status_code == 404
    response = intrus.post(reverse("portal:dossier_message", args=[dossier.pk]), {"message": "Bonjour"})
    assert response.status_code == 404
    assert not Message.objects.filter(body="Bonjour").exists()


def test_the_api_never_gives_a_supplier_the_internal_notes(world):
    from sons.dossiers import thread
    from sons.suppliers.perms import Principal
    from tests.declarations import filing

    dossier_id = world.supplier.post("/dossiers", filing(world), key="depot-note").json()["id"]
    dossier = Dossier.objects.get(pk=dossier_id)
    instructor = Principal.for_user(get_user_model().objects.get(username="instructeur"))
    thread.write_note(instructor, dossier, "Note confidentielle de l'ASP.")
    actions.request_completion(instructor, dossier, "Complément visible.")
    body = world.supplier.get(f"/dossiers/{dossier_id}").content.decode()
    assert "Complément visible." in body and "confidentielle" not in body


def test_the_thread_through_the_api_with_a_pdf(world):
    from tests.declarations import filing
    from tests.suppliers.world import pdf_bytes

    dossier_id = world.supplier.post("/dossiers", filing(world), key="depot-fil").json()["id"]
    url, supplier = f"/api/dossiers/{dossier_id}/messages", world.supplier
    piece = SimpleUploadedFile("bon.pdf", pdf_bytes(), "application/pdf")
    response = supplier.client.post(
        url, {"message": "Voici le bon signé.", "file": piece}, headers=supplier.headers
    )
    assert response.status_code == 201, response.content
    posted = response.json()
    assert posted["from_supplier"] and posted["document_id"] and posted["read_at"] is None
    empty = supplier.client.post(url, {"message": " "}, headers=supplier.headers)
    assert empty.status_code == 422 and "vide" in empty.json()["message"]
    assert world.other_supplier.get(f"/dossiers/{dossier_id}/messages").status_code == 404
    (seen,) = world.instructor.get(f"/dossiers/{dossier_id}/messages").json()
    assert seen["body"] == "Voici le bon signé."

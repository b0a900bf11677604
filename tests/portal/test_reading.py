"""What people read: clients by their name in the directory (not « RPPS 100… »), French rather than codes."""

import pytest
from django.urls import reverse

from sons.dossiers.reading import ClientLabel, client_labels
from tests.portal.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_suppliers_list_and_the_dossier_name_the_client_from_the_directory(client, spaces):
    professional = spaces.professionals[0]
    dossier = spaces.file(professional)
    assert client.login(username="fournisseur", password=PASSWORD)
    name = f"{professional.first_name} {professional.last_name}"
    number = f'<span class="sons-mono">RPPS {professional.rpps}</span>'
    for url in (reverse("portal:supplier_dossiers"), reverse("portal:dossier", args=[dossier.pk])):
        page = client.get(url).content.decode()
        assert name in page and number in page


def test_the_client_tag_names_a_page_of_clients_in_two_queries(spaces, django_assert_max_num_queries):
    from django.template import Context, Template

    dossiers = [spaces.file(p) for p in spaces.professionals[:3]]
    template = Template("{% for d in page %}{% client d among=page %};{% endfor %}")
    with django_assert_max_num_queries(2):  # the professionals, the centres (none here: no query)
        text = template.render(Context({"page": dossiers}))
    for d, p in zip(dossiers, spaces.professionals, strict=False):
        assert f"{p.first_name} {p.last_name}" in text and f"RPPS {d.rpps}" in text


def test_a_client_absent_from_the_directory_is_said_so(spaces):
    dossier = spaces.file(spaces.professionals[1])
    spaces.professionals[1].delete()
    assert client_labels([dossier])[dossier.client_key] == ClientLabel("", "", f"RPPS {dossier.rpps}")


def test_a_malformed_csv_is_refused_in_french():
    from sons.dossiers import bulk
    from sons.errors import Invalid

    body = ";".join(bulk.CSV_COLUMNS) + "\n" + "x" * 140_000 + "\n"
    with pytest.raises(Invalid) as refused:
        bulk.csv_entries(body.encode(), "file")
    assert refused.value.message == "CSV illisible, ligne 1 : champ trop long."


def test_the_dashboards_name_no_command_line(client, spaces):
    assert client.login(username="instructeur", password=PASSWORD)
    page = client.get(reverse("portal:dashboards")).content.decode()
    assert "Chiffres arrêtés le" in page
    assert "sons dashboards" not in page and "<code>" not in page

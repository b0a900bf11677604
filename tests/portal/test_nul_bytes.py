"""A NUL byte anywhere a user types (query parameters, form fields, the address) is a 400 in French, never a
500 — on PostgreSQL it cannot even be compared. And an administrator filing a dossier gets a 403, not a 500."""

import pytest

from sons.suppliers.enums import Role
from tests.portal.factories import signed_in

pytestmark = pytest.mark.django_db
NUL = "a\x00b"


@pytest.mark.parametrize(
    ("role", "path", "params"),
    [
        (Role.ASP_INSTRUCTOR, "/instruction/", {"fournisseur": NUL}),
        (Role.ASP_INSTRUCTOR, "/instruction/", {"q": NUL, "etat": "advance_filed"}),
        (Role.ASP_INSTRUCTOR, "/recouvrements/", {"etape": NUL}),
        (Role.ANS_AGENT, "/ans/versions/", {"q": NUL}),
        (Role.ANS_AGENT, "/ans/pilotes/", {"etat": NUL}),
        (Role.ASP_PAYING_AGENT, "/paiements/", {"page": NUL}),
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400(role, path, params):
    client = signed_in(role, "agent")
    response = client.get(path, params)
    assert response.status_code == 400
    assert "Caractère NUL interdit" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/instruction/vues/", {"name": NUL}, "name"),
        ("/instruction/decisions/", {"decision": "reject", "message": NUL, "dossiers": ["1"]}, "message"),
        ("/recouvrements/1/", {"etape": "observations", "message": NUL}, "message"),
    ],
)
def test_a_nul_in_a_form_field_is_a_400_naming_it(path, data, field):
    client = signed_in(Role.ASP_INSTRUCTOR, "instructeur")
    response = client.post(path, data)
    assert response.status_code == 400
    assert f"« {field} »" in response.content.decode()

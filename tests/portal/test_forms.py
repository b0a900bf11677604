"""Errors tied to their fields in every portal form (forms_dsfr.DsfrForm, includes/field.html and form_errors.html):
the field in `fr-input-group--error` with its `fr-error-text`, an `aria-describedby` naming only ids that exist,
a summary at the top linking to each field in error, and what was typed kept."""

import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sons.errors import Invalid
from sons.portal.forms import DossierForm
from sons.portal.forms_dsfr import DsfrForm
from tests.portal.world import PASSWORD

pytestmark = pytest.mark.django_db


def dangling_references(page: str) -> list[str]:
    """The ids named by aria-describedby / aria-labelledby / a summary's links that no element of the page has."""
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    named = [
        name
        for value in re.findall(r'aria-(?:describedby|labelledby)="([^"]+)"', page)
        for name in value.split()
    ]
    named += re.findall(r'<li><a href="#([^"]+)"', page)
    return [name for name in named if name not in ids]


def new_dossier(client, spaces, **changes):
    assert client.login(username="fournisseur", password=PASSWORD)
    data = {"rpps": spaces.professionals[0].rpps, "solution_version": spaces.version.pk, "issued_on": "2026-08-01",
            "signed_on": "2026-08-10", "signature": "psc", "amount": "270.00", "vat_rate": "20",
            "in_client_name": "on", "mention_state_funded": "on", "de_minimis_other_aid": "0", **changes}  # fmt: skip
    return client.post(reverse("portal:dossier_new"), data)


def test_a_refusal_of_the_domain_is_shown_with_the_field_it_names(client, spaces):
    response = new_dossier(client, spaces, rpps="12345678901")  # a wrong Luhn key: the declaration refuses it
    page = response.content.decode()
    assert response.status_code == 200
    group = re.search(r'<div class="fr-input-group fr-input-group--error">(.*?)</div>', page, re.S).group(1)
    assert 'id="id_rpps"' in group and 'value="12345678901"' in group  # the input, kept
    assert 'aria-describedby="id_rpps-erreur"' in group and 'aria-invalid="true"' in group
    assert re.search(r'<p class="fr-error-text" id="id_rpps-erreur">[^<]*RPPS', group)
    summary = page[page.index('data-testid="resume-erreurs"') :]
    assert re.search(r'<li><a href="#id_rpps">N° RPPS du professionnel : [^<]*RPPS', summary)
    assert 'value="2026-08-10"' in page  # every other input kept too
    assert dangling_references(page) == []


def test_a_form_error_names_the_hint_and_the_error_that_exist(client, spaces):
    response = new_dossier(client, spaces, amount="deux cents")
    page = response.content.decode()
    assert 'aria-describedby="id_amount-aide id_amount-erreur"' in page
    assert 'id="id_amount-aide"' in page and 'id="id_amount-erreur"' in page
    assert '<li><a href="#id_amount">Montant TTC' in page
    assert dangling_references(page) == []


def test_the_bulk_files_error_is_tied_to_its_field(client, spaces):
    assert client.login(username="fournisseur", password=PASSWORD)
    upload = SimpleUploadedFile("dossiers.json", b"")  # empty: the form refuses it
    page = client.post(reverse("portal:bulk_filing"), {"file": upload}).content.decode()
    assert "fr-upload-group--error" in page and 'id="id_file-erreur"' in page
    assert 'aria-describedby="id_file-aide id_file-erreur"' in page
    assert '<li><a href="#id_file">' in page
    assert dangling_references(page) == []


class Prefixed(DsfrForm):
    code = forms.CharField(label="Code", help_text="Six chiffres.")
    choices = forms.MultipleChoiceField(
        label="Choix", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )


def test_ids_follow_the_forms_prefix_and_a_group_is_described_by_its_fieldset():
    form = Prefixed({"p-code": ""}, prefix="p")
    assert not form.is_valid()
    assert form.fields["code"].widget.attrs["aria-describedby"] == "id_p-code-aide id_p-code-erreur"
    assert "aria-describedby" not in form.fields["choices"].widget.attrs
    assert [row["anchor"] for row in form.error_summary()] == ["id_p-code", "id_p-choices"]


def test_an_unbound_form_describes_its_hint_only():
    form = Prefixed()
    assert form.fields["code"].widget.attrs["aria-describedby"] == "id_code-aide"
    assert "aria-invalid" not in form.fields["code"].widget.attrs


def test_a_refusal_naming_no_field_of_the_form_is_the_forms_own_error():
    form = DossierForm(versions=[])
    form.cleaned_data = {}
    form._errors = {}  # as a view does once the form is valid
    form.add_refusal(Invalid("Version inconnue.", field="solution_version_id"))
    form.add_refusal(Invalid("Dossier illisible."))
    assert form._errors["solution_version"] == ["Version inconnue."]
    assert form._errors["__all__"] == ["Dossier illisible."]

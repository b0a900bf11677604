"""The confirmation panel of a decision: the motive, required for a rejection, a completion request, a
declaration of incapacity, a referencing decision, a SEPA batch's sending or confirmation (the withdrawal page's
pattern: the impact first, then the confirmation)."""

from django import forms

from .forms_dsfr import DsfrForm

MOTIVE_REQUIRED = "Motif : obligatoire pour cette décision ; il est conservé dans l'historique."


class MotiveForm(DsfrForm):
    motive = forms.CharField(
        label="Motif", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        error_messages={"required": MOTIVE_REQUIRED},
    )  # fmt: skip

    def __init__(self, *args, label: str = "Motif", required: bool = True, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["motive"]
        field.label, field.required, field.help_text = label, required, help_text

    @property
    def text(self) -> str:
        return self.cleaned_data.get("motive", "").strip()


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AnswerForm(DsfrForm):
    """The supplier's answer to a completion request, with the corrections of the order it brings (the fields
    left empty stay as declared)."""

    message = forms.CharField(
        label="Votre réponse", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        error_messages={"required": "Votre réponse : obligatoire (dites ce que vous corrigez ou joignez)."},
    )  # fmt: skip
    signed_on = forms.DateField(label="Bon de commande signé le (correction)", widget=DATE, required=False)
    amount = forms.DecimalField(
        label="Montant TTC « Prestation Ségur » (€, correction)", max_digits=12, decimal_places=2, required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    mention_state_funded = forms.ChoiceField(
        label="Mention de prise en charge par l'État", required=False,
        choices=[("", "inchangée"), ("true", "présente"), ("false", "absente")],
    )  # fmt: skip

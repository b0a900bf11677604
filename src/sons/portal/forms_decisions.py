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

from django import forms


class SimulatorForm(forms.Form):
    dossier = forms.CharField(
        label="Dossier (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
        help_text="Le format du dossier est décrit par « sons schema » et dans docs/simulator-contract.md.",
    )

"""Forms of the ANS space: they read what the agent typed; every decision stays in sons.registry.actions and
sons.dossiers.pilots."""

from decimal import Decimal

from django import forms

from .forms_dsfr import DsfrForm


class ReferencingForm(DsfrForm):
    decision = forms.ChoiceField(
        label="Décision de référencement",
        choices=[("grant", "Accorder le référencement"), ("refuse", "Refuser le référencement")],
        error_messages={"required": "Choisissez une décision.", "invalid_choice": "Décision inconnue."},
    )


class WithdrawalForm(DsfrForm):
    """The impact the agent was shown travels with the confirmation: the domain refuses it if it changed."""

    dossiers = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    paid = forms.DecimalField(
        min_value=Decimal("0"), max_digits=14, decimal_places=2, widget=forms.HiddenInput
    )
    confirm = forms.BooleanField(
        label="Je confirme le retrait du référencement et l’ouverture des recouvrements indiqués ci-dessus",
        error_messages={"required": "Cochez la case pour confirmer le retrait."},
    )


class DatesInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _names(raw: str) -> list[str]:
    return [name.strip() for name in raw.replace(";", ",").split(",") if name.strip()]


class ObsoleteDeclarationForm(DsfrForm):
    """A publisher's obsolete-version declaration as the ANS received it (AF §4.3)."""

    version = forms.CharField(
        label="Version déclarée obsolète", max_length=50, error_messages={"required": "Indiquez la version."}
    )
    version_rank = forms.IntegerField(
        label="Rang de la version",
        min_value=0,
        help_text="Ordre de la version parmi celles de la solution (1 pour la plus ancienne).",
        error_messages={
            "required": "Indiquez le rang de la version.",
            "invalid": "Saisissez un nombre entier.",
        },
    )
    end_announced_on = forms.DateField(
        label="Arrêt de commercialisation ou de maintenance rendu public le",
        widget=DatesInput,
        help_text="Format attendu : JJ/MM/AAAA.",
        error_messages={"required": "Indiquez la date.", "invalid": "Saisissez une date valide."},
    )
    versions_at_date_0 = forms.CharField(
        label="Versions existantes à la Date 0",
        help_text="Séparées par des virgules, par exemple : 3.0, 4.0, 5.0.",
        error_messages={"required": "Indiquez les versions existantes à la Date 0."},
    )
    latest_in_production_at_date_0 = forms.CharField(
        label="Version la plus récente installée en production à la Date 0", max_length=50, required=False
    )
    vague_1_version_rank = forms.IntegerField(
        label="Rang de la version référencée en vague 1",
        min_value=0,
        required=False,
        help_text="Laisser vide si aucune version n’a été référencée en vague 1.",
        error_messages={"invalid": "Saisissez un nombre entier."},
    )

    def __init__(self, *args, already_obsolete: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.already_obsolete = list(already_obsolete)

    def clean_version(self):
        version = self.cleaned_data["version"].strip()
        if version in self.already_obsolete:
            raise forms.ValidationError("Cette version figure déjà sur la liste des versions obsolètes.")
        return version

    def clean_versions_at_date_0(self):
        names = _names(self.cleaned_data["versions_at_date_0"])
        if not names:
            raise forms.ValidationError("Indiquez au moins une version.")
        return names

    def declaration(self) -> dict:
        """The facts the §4.3 rules read (sons.rules.evaluate_obsolete_version)."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "version_rank": data["version_rank"],
            "end_announced_on": data["end_announced_on"],
            "versions_at_date_0": data["versions_at_date_0"],
            "already_obsolete": self.already_obsolete,
            "latest_in_production_at_date_0": data["latest_in_production_at_date_0"].strip() or None,
            "vague_1_version_rank": data["vague_1_version_rank"],
        }


class PilotDecisionForm(DsfrForm):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("", "Choisir une décision"), ("validate", "Valider le périmètre pilote"),
                 ("refuse", "Refuser le périmètre pilote")],
        error_messages={"required": "Choisissez une décision.", "invalid_choice": "Décision inconnue."},
    )  # fmt: skip
    reason = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire en cas de refus ; il est communiqué au Fournisseur.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("reason", "").strip():
            self.add_error("reason", "Indiquez le motif du refus.")
        return data

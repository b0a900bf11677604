"""Portal forms. Their data are checked by the domain's declaration (sons.dossiers.declaration) before the
domain actions run; these forms only gather and label the fields in French, with the rules' code lists."""

from decimal import Decimal, InvalidOperation

from django import forms

from sons import clock
from sons.rules import load_parameters
from sons.rules.codes import PRACTICES, PROFILES, SIGNATURE_MODES, TRANCHES, VA_KEY_FUNCTIONS, VAT_RATES

from .forms_dsfr import DsfrForm

SIGNATURES = SIGNATURE_MODES.choices
YES_NO = [("", "Non renseigné"), ("true", "Oui"), ("false", "Non")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def va_functions() -> list[tuple[str, str]]:
    return [
        (code, VA_KEY_FUNCTIONS.label(code)) for code in load_parameters().at(clock.today()).va_key_functions
    ]


class SimulatorForm(forms.Form):
    """The simulator's expert mode: a whole dossier of the contract, in JSON."""

    dossier = forms.CharField(
        label="Dossier (JSON)",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false", "class": "fr-input"}),
        help_text="Le dossier tel que l'API le reçoit : son format est décrit dans la documentation de l'API.",
    )


# What the amount typed in the simulator is: TTC at a VAT rate, or HT (AF §5.2, §5.3).
AMOUNT_BASES = [("20", "TTC, TVA à 20 %"), ("8.5", "TTC, TVA à 8,5 % (Guadeloupe, Martinique, La Réunion)"),
                ("0", "HT : Fournisseur non assujetti à la TVA")]  # fmt: skip


class PeopleSimulatorForm(DsfrForm):
    """The simulator for people: the Client, the order's date and amount, the filing date; the rest is assumed in
    order (sons.simulator.PEOPLE_ASSUMPTIONS)."""

    profile = forms.ChoiceField(label="Le Client est", choices=PROFILES.choices)
    practice = forms.ChoiceField(
        label="Mode d'exercice du professionnel", choices=[("", "—"), *PRACTICES.choices], required=False,
        help_text="Pour un professionnel de santé : seul l'exercice en cabinet libéral est financé (AF §4.2).",
    )  # fmt: skip
    tranche = forms.ChoiceField(
        label="Tranche du centre dans la Base de référence", choices=[("", "—"), *TRANCHES.choices], required=False,
        help_text="Pour un centre de santé infirmier : la tranche fixe le prix plafond (AF §5.3).",
    )  # fmt: skip
    signed_on = forms.DateField(label="Bon de commande signé le", widget=DATE)
    filed_on = forms.DateField(
        label="Demande d'avance reçue par l'ASP le", widget=DATE,
        help_text="La date de réception fait foi (AF §2).",
    )  # fmt: skip
    amount = forms.DecimalField(
        label="Montant de la ligne « Prestation Ségur » du bon de commande (€)", max_digits=12, decimal_places=2,
        min_value=0,
    )  # fmt: skip
    vat_rate = forms.ChoiceField(label="Ce montant est", choices=AMOUNT_BASES, widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        if data.get("profile") == "centre_sante_infirmier":
            if not data.get("tranche"):
                self.add_error("tranche", "Indiquez la tranche du centre.")
        elif data.get("profile") and not data.get("practice"):
            self.add_error("practice", "Indiquez le mode d'exercice du professionnel.")
        return data


class ClientSearchForm(DsfrForm):
    q = forms.CharField(
        label="N° RPPS, nom ou n° FINESS géographique", min_length=2, max_length=100,
        help_text="11 chiffres pour un RPPS, 9 caractères pour un FINESS, ou au moins 2 lettres du nom.",
    )  # fmt: skip


class DossierForm(DsfrForm):
    """The advance request: the client, the referenced version and the signed order (AF §4.2, §4.3)."""

    refusal_fields = {"solution_version_id": "solution_version", "order.lines": "amount"}

    rpps = forms.CharField(label="N° RPPS du professionnel", max_length=11, required=False)
    finess_geo = forms.CharField(label="N° FINESS géographique du centre", max_length=9, required=False)
    solution_version = forms.TypedChoiceField(label="Version de la Solution référencée", coerce=int)
    issued_on = forms.DateField(label="Bon de commande émis le", widget=DATE, required=False)
    signed_on = forms.DateField(label="Bon de commande signé le", widget=DATE, required=False)
    signature = forms.ChoiceField(label="Mode de signature", choices=SIGNATURES)
    # The rules read the line as the order states it: TTC at the order's VAT rate, HT at 0 % (AF §5.2, §5.3).
    amount = forms.DecimalField(
        label="Montant TTC de la ligne « Prestation Ségur » (€)",
        max_digits=12,
        decimal_places=2,
        help_text="Le montant toutes taxes comprises porté sur le bon de commande, au taux de TVA indiqué "
        "ci-dessous (par exemple 270,00 € pour un infirmier à 20 %). Au taux de 0 % (Fournisseur non "
        "assujetti ou exonéré), le montant hors taxe.",
    )
    vat_rate = forms.ChoiceField(label="Taux de TVA", choices=VAT_RATES.choices)
    in_client_name = forms.BooleanField(label="Bon de commande libellé au nom du Client", required=False)
    mention_state_funded = forms.BooleanField(
        label="Mention « Montants de la Prestation Ségur pris en charge par l'Etat au titre du Ségur de la santé »",
        required=False,
    )
    mention_conditional_referencing = forms.BooleanField(
        label="Mention de commande conditionnée au référencement", required=False,
        help_text="Obligatoire quand la commande précède le référencement de la version (§4.3).",
    )  # fmt: skip
    centre_certificate_commitment = forms.BooleanField(
        label="Engagement du centre sur les certificats (centre de santé)", required=False
    )
    additional_centres = forms.CharField(
        label="Autres centres de santé infirmiers du même bon de commande (centre de santé)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un centre par ligne : « n° FINESS géographique ; montant TTC de sa ligne « Prestation Ségur » "
        "» (AF §4.2 : un bon de commande peut couvrir plusieurs centres, une ligne par centre). Le montant "
        "ci-dessus est alors celui du premier centre ; l'engagement sur les certificats vaut pour chacun.",
    )  # fmt: skip
    de_minimis_other_aid = forms.DecimalField(
        label="Autres aides de minimis du Client sur trois ans (€)", max_digits=12, decimal_places=2,
        required=False, min_value=0,
    )  # fmt: skip

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution_version"].choices = [(v.pk, str(v)) for v in versions]

    def payload(self) -> dict:
        """The declaration (sons.dossiers.declaration), as the API receives it."""
        d = self.cleaned_data
        client = {"finess_geo": d["finess_geo"]} if d["finess_geo"] else {"rpps": d["rpps"] or None}
        order = {
            "in_client_name": d["in_client_name"], "issued_on": d["issued_on"], "signed_on": d["signed_on"],
            "signature": d["signature"], "lines": [{"label": "Prestation Ségur", "amount": d["amount"]}],
            "vat_rate": d["vat_rate"], "mention_state_funded": d["mention_state_funded"],
            "mention_conditional_referencing": d["mention_conditional_referencing"], "conditioned_on": [],
        }  # fmt: skip
        if d["finess_geo"]:
            order["centre_certificate_commitment"] = d["centre_certificate_commitment"]
        if others := d.get("additional_centres"):
            order["lines"][0]["finess_geo"] = d["finess_geo"]
            order["lines"] += [{"label": "Prestation Ségur", "amount": amount, "finess_geo": finess}
                               for finess, amount in others]  # fmt: skip
            client["additional_centres"] = [
                {"finess_geo": finess, "certificate_commitment": d["centre_certificate_commitment"]}
                for finess, _ in others
            ]
        client["de_minimis_other_aid"] = d["de_minimis_other_aid"]
        return {"client": client, "solution_version_id": d["solution_version"], "order": order}

    def clean_additional_centres(self) -> list[tuple[str, Decimal]]:
        centres = []
        for number, text in enumerate(self.cleaned_data["additional_centres"].splitlines(), start=1):
            if not text.strip():
                continue
            finess, _, amount = (part.strip() for part in text.partition(";"))
            try:
                value = Decimal(amount.replace(" ", "").replace(",", "."))
            except InvalidOperation:
                value = None
            if len(finess) != 9 or value is None or not value.is_finite() or value < 0:
                raise forms.ValidationError(
                    f"Ligne {number} : écrivez « n° FINESS géographique (9 caractères) ; montant TTC », par "
                    "exemple « 750000016 ; 2970,00 »."
                )
            centres.append((finess, value.quantize(Decimal("0.01"))))
        return centres

    def clean(self):
        data = super().clean()
        if data.get("additional_centres") and not data.get("finess_geo"):
            self.add_error(
                "additional_centres", "Plusieurs centres ne se commandent que pour un centre de santé."
            )
        if bool(data.get("rpps")) == bool(data.get("finess_geo")):
            raise forms.ValidationError(
                "Indiquez soit un n° RPPS (professionnel), soit un n° FINESS (centre)."
            )
        return data


class BulkForm(DsfrForm):
    file = forms.FileField(
        label="Fichier de dossiers (JSON, JSON Lines ou CSV)",
        help_text="CSV : séparateur « ; », UTF-8, une ligne d'en-tête (voir le modèle). 10 000 dossiers au plus.",
    )


class MessageForm(DsfrForm):
    message = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class BalanceForm(DsfrForm):
    """The balance request: the VA signed by the client and the invoice (AF §4.4, §6.4)."""

    completed_on = forms.DateField(label="Prestation réalisée le", widget=DATE)
    va_signed_on = forms.DateField(label="VA signée le", widget=DATE)
    va_signature = forms.ChoiceField(label="Mode de signature de la VA", choices=SIGNATURES)
    va_functions = forms.MultipleChoiceField(
        label="Fonctions clés attestées par la VA", widget=forms.CheckboxSelectMultiple, required=False
    )
    invoice_issued_on = forms.DateField(label="Facture émise le", widget=DATE)
    invoice_amount = forms.DecimalField(
        label="Montant facturé TTC (€)", max_digits=12, decimal_places=2,
        help_text="Toutes taxes comprises, au taux de TVA du bon de commande ; hors taxe au taux de 0 %.",
    )  # fmt: skip
    invoice_in_client_name = forms.BooleanField(label="Facture au nom du Client", required=False)
    training_delivered = forms.BooleanField(
        label="Formations des utilisateurs réalisées", required=False,
        help_text="Les formations de l'annexe de l'AF sont exigibles pour le versement du solde (AF §3.1 et §4.4).",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["va_functions"].choices = va_functions()

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"completed_on": d["completed_on"],
                "va": {"signed_on": d["va_signed_on"], "signature": d["va_signature"], "functions": d["va_functions"]},
                "invoice": {"issued_on": d["invoice_issued_on"], "amount": d["invoice_amount"],
                            "in_client_name": d["invoice_in_client_name"]},
                "training_delivered": d["training_delivered"]}  # fmt: skip


class DocumentForm(DsfrForm):
    kind = forms.ChoiceField(label="Pièce")
    file = forms.FileField(label="Fichier PDF (10 Mo au plus)")

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class TokenForm(DsfrForm):
    label = forms.CharField(
        label="Libellé du jeton", max_length=100, help_text="Par exemple : « logiciel de facturation »."
    )

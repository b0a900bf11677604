"""Forms of joining and accounts: sign-up, invitations, members, enrolment, staff, second factor. They gather
and label the fields in French; the domain (sons.suppliers) checks them and names the field at fault, which
`add_refusal` ties to the form's field."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string

from sons.suppliers.emails import deliver_text
from sons.suppliers.enums import MemberRole, OrganisationKind, PieceKind, Role

from .forms_dsfr import DsfrForm

YES_NO = [("true", "Oui"), ("false", "Non")]
PDF = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})


def add_refusal(form: forms.Form, refusal, aliases: dict | None = None) -> None:
    """A domain refusal as the error of the field it names (or of the whole form)."""
    field = (aliases or {}).get(refusal.field, refusal.field)
    form.add_error(field if field in form.fields else None, refusal.message)


class PasswordPair(DsfrForm):
    password1 = forms.CharField(
        label="Mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères, pas seulement des chiffres, différent de vos nom et adresse.",
    )  # fmt: skip
    password2 = forms.CharField(
        label="Confirmation du mot de passe", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        return data


class SignUpForm(PasswordPair):
    siren = forms.CharField(label="SIREN", max_length=11, help_text="9 chiffres.")
    siret = forms.CharField(
        label="SIRET du siège", max_length=17, help_text="14 chiffres : le SIREN puis 5 chiffres."
    )
    name = forms.CharField(label="Raison sociale", max_length=200)
    address = forms.CharField(label="Adresse (voie)", max_length=300,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))  # fmt: skip
    postcode = forms.CharField(label="Code postal", max_length=10,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))  # fmt: skip
    city = forms.CharField(label="Commune", max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))  # fmt: skip
    kind = forms.ChoiceField(label="L'organisation est", choices=OrganisationKind.choices, widget=forms.RadioSelect,
                             help_text="§4.1 : l'éditeur de la solution, ou un distributeur déclaré par l'éditeur.")  # fmt: skip
    first_name = forms.CharField(label="Prénom de l'administrateur", max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))  # fmt: skip
    last_name = forms.CharField(label="Nom de l'administrateur", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))  # fmt: skip
    email = forms.EmailField(label="Adresse électronique de l'administrateur", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text="Un lien de confirmation y sera envoyé ; elle sert d'identifiant.")  # fmt: skip
    field_order = ["siren", "siret", "name", "address", "postcode", "city", "kind", "first_name", "last_name",
                   "email", "password1", "password2"]  # fmt: skip


class InvitationAcceptForm(PasswordPair):
    first_name = forms.CharField(label="Prénom", max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))  # fmt: skip
    last_name = forms.CharField(label="Nom", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))  # fmt: skip
    field_order = ["first_name", "last_name", "password1", "password2"]


class InviteForm(DsfrForm):
    email = forms.EmailField(label="Adresse électronique de la personne invitée", max_length=254)
    member_role = forms.ChoiceField(label="Rôle dans l'organisation", choices=MemberRole.choices,
                                    initial=MemberRole.FILER,
                                    help_text="Déposant : dépose et suit les dossiers. Lecteur : consulte seulement. "
                                    "Administrateur : gère aussi les membres, les jetons et l'enrôlement.")  # fmt: skip


class MemberRoleForm(DsfrForm):
    member_role = forms.ChoiceField(label="Rôle", choices=MemberRole.choices)


class EnrolmentFileForm(DsfrForm):
    """§6.1: the online form and the pieces that apply."""

    solution = forms.ModelChoiceField(
        label="Solution logicielle éditée ou distribuée", queryset=None, empty_label="Choisir dans le registre de l'ANS",
        help_text="§6.1 : l'enrôlement est possible dès que la candidature de la solution est validée par l'ANS.",
    )  # fmt: skip
    hosts_health_data = forms.TypedChoiceField(
        label="Hébergez-vous des données de santé, ou fournissez-vous la solution en mode SaaS ?", choices=YES_NO,
        coerce=lambda v: v == "true", widget=forms.RadioSelect,
        help_text="Oui : joignez le ou les certificats HDS. Non : joignez la déclaration sur l'honneur.",
    )  # fmt: skip
    psc_user_service_operator = forms.TypedChoiceField(
        label="Disposez-vous de l'habilitation Pro Santé Connect « Opérateur de service utilisateur » ?",
        choices=YES_NO, coerce=lambda v: v == "true", widget=forms.RadioSelect, help_text="§4.1.",
    )  # fmt: skip
    iban = forms.CharField(
        label="IBAN", max_length=42, help_text="Compte de la zone SEPA au nom de l'organisation."
    )
    bic = forms.CharField(label="BIC", max_length=14)
    rib = forms.FileField(label="RIB (PDF)", required=False, widget=PDF)
    hds_physical = forms.FileField(label="Certificat HDS « hébergeur d'infrastructure physique » (PDF)",
                                   required=False, widget=PDF)  # fmt: skip
    hds_managed = forms.FileField(
        label="Certificat HDS « hébergeur infogéré » (PDF)", required=False, widget=PDF
    )
    sworn_statement = forms.FileField(label="Déclaration sur l'honneur : aucune donnée de santé hébergée (PDF)",
                                      required=False, widget=PDF)  # fmt: skip
    psc_habilitation = forms.FileField(label="Justificatif de l'habilitation Pro Santé Connect (PDF, facultatif)",
                                       required=False, widget=PDF)  # fmt: skip
    publisher_declaration = forms.FileField(label="Distributeur : déclaration de l'éditeur auprès de l'ANS (PDF)",
                                            required=False, widget=PDF)  # fmt: skip
    publisher_mandate = forms.FileField(label="Distributeur : mandat établi par l'éditeur (PDF)", required=False,
                                        widget=PDF)  # fmt: skip
    answer = forms.CharField(label="Votre réponse à la demande de complément", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    FILE_FIELDS = {
        "rib": PieceKind.RIB, "hds_physical": PieceKind.HDS_CERTIFICATE, "hds_managed": PieceKind.HDS_CERTIFICATE,
        "sworn_statement": PieceKind.SWORN_STATEMENT, "psc_habilitation": PieceKind.PSC_HABILITATION,
        "publisher_declaration": PieceKind.PUBLISHER_DECLARATION, "publisher_mandate": PieceKind.PUBLISHER_MANDATE,
    }  # fmt: skip
    # The domain names a piece by its kind; the form's field for it.
    ALIASES = {"solution_id": "solution", PieceKind.HDS_CERTIFICATE: "hds_physical"}

    def __init__(self, *args, solutions=None, completing: bool = False, distributor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = solutions
        self.fields["solution"].label_from_instance = lambda s: f"{s.name} — {s.publisher.name}"
        if not completing:
            del self.fields["answer"]
        if not distributor:
            del self.fields["publisher_declaration"], self.fields["publisher_mandate"]

    def pieces(self) -> dict:
        files: dict[str, list] = {}
        for name, kind in self.FILE_FIELDS.items():
            if name in self.fields and self.cleaned_data.get(name):
                files.setdefault(kind, []).append(self.cleaned_data[name])
        return files


class BankChangeForm(DsfrForm):
    iban = forms.CharField(label="Nouvel IBAN", max_length=42, help_text="Compte de la zone SEPA.")
    bic = forms.CharField(label="BIC", max_length=14)
    rib = forms.FileField(label="RIB du nouveau compte (PDF)", widget=PDF)


class DecisionForm(DsfrForm):
    message = forms.CharField(
        label="Message au fournisseur (obligatoire pour rejeter ou demander un complément)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class AgentForm(DsfrForm):
    email = forms.EmailField(label="Adresse électronique professionnelle", max_length=254,
                             help_text="Identifiant de l'agent ; le lien pour choisir son mot de passe y est envoyé.")  # fmt: skip
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    roles = forms.MultipleChoiceField(label="Rôles", widget=forms.CheckboxSelectMultiple,
                                      help_text="Un même agent ne peut pas être à la fois instructeur et agent payeur.")  # fmt: skip

    def __init__(self, *args, grantable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, Role(r).label) for r in grantable]


class GrantForm(DsfrForm):
    role = forms.ChoiceField(label="Rôle à attribuer")

    def __init__(self, *args, grantable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in grantable]


class CodeForm(DsfrForm):
    code = forms.CharField(
        label="Code à 6 chiffres, ou code de secours", max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autocapitalize": "off", "spellcheck": "false"}),
    )  # fmt: skip


class DsfrPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique de votre compte"
        self.fields["email"].widget.attrs["class"] = "fr-input"

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):  # fmt: skip
        """Through the queue, like every e-mail of SONS."""
        subject = render_to_string(subject_template_name, context)
        deliver_text(to_email, subject, render_to_string(email_template_name, context))


class DsfrSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"
        for field in self.fields.values():
            field.widget.attrs["class"] = "fr-input"

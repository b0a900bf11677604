"""Demonstration data for `make run`: a publisher enrolled with a referenced solution, the directory, one
account per role, and dossiers at several stages. Does nothing if the demonstration is already loaded."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from sons.api.schemas import DossierIn
from sons.directory.enums import PracticeMode, Profession
from sons.directory.models import Centre, Professional
from sons.dossiers import actions
from sons.dossiers.models import Dossier
from sons.payments.actions import confirm_batch, prepare_batch, send_batch
from sons.registry.enums import Referencing
from sons.registry.models import Publisher, Solution, SolutionVersion
from sons.rules.identifiers import with_luhn_key
from sons.suppliers.enums import EnrolmentState, Role
from sons.suppliers.models import ApiToken, Enrolment, Membership, Organisation
from sons.suppliers.perms import Principal

PASSWORD = "demo-sons"
PROFILES = [
    "ide",
    "ipa",
    "mk",
    "orthophoniste",
    "orthoptiste",
    "pedicure_podologue",
    "sage_femme",
    "centre_sante_infirmier",
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (comptes par rôle, solution référencée, dossiers)."

    def handle(self, *args, **options):
        examples = sorted(settings.SONS_EXAMPLES_DIR.glob("*.json"))
        self.stdout.write(
            f"Simulateur : {len(examples)} dossiers d'exemple sur http://127.0.0.1:8000/simulateur/"
        )
        if Organisation.objects.filter(siren="732829320").exists():
            self.stdout.write("Données de démonstration déjà chargées.")
            return
        with override_settings(SONS_TODAY="2026-09-01"), transaction.atomic():
            self.load()

    def load(self):
        organisation = Organisation.objects.create(
            name="Logiciels Ségur Démo", siren="732829320", iban="FR7630006000011234567890189", bic="AGRIFRPP",
            psc_user_service_operator=True, hosts_health_data=False, sworn_statement=True,
        )  # fmt: skip
        Enrolment.objects.create(
            organisation=organisation, state=EnrolmentState.VALIDATED, filed_on="2026-03-01"
        )
        publisher = Publisher.objects.create(name=organisation.name, organisation=organisation)
        solution = Solution.objects.create(publisher=publisher, name="CabinetPlus")
        version = SolutionVersion.objects.create(
            solution=solution, version="5", rank=5, profiles=PROFILES, candidature_validated=True,
            complete_dossier_on="2026-05-01", referencing=Referencing.GRANTED, referenced_on="2026-06-01",
        )  # fmt: skip
        professionals = [
            Professional.objects.create(
                rpps=with_luhn_key(f"1000099{n:03d}"),
                last_name=name,
                first_name=first,
                profession=profession,
                practice=PracticeMode.LIBERAL,
                registered_with_order=profession != Profession.ORTHOPHONISTE,
            )
            for n, (first, name, profession) in enumerate(
                [
                    ("Claire", "Martin", Profession.IDE),
                    ("Hugo", "Bernard", Profession.MK),
                    ("Inès", "Petit", Profession.SAGE_FEMME),
                    ("Louis", "Durand", Profession.ORTHOPHONISTE),
                    ("Zoé", "Leroy", Profession.IDE),
                    ("Nina", "Moreau", Profession.PEDICURE_PODOLOGUE),
                    ("Joël", "Faure", Profession.MK),
                    ("Maëlys", "Girard", Profession.ORTHOPTISTE),
                    ("Raphaël", "Lefèvre", Profession.IDE),
                ]
            )
        ]
        Centre.objects.create(finess_geo=with_luhn_key("75009900"), name="Centre de soins infirmiers Démo",
                              tranche="C", accord_national_2015=True, staff_declared=True)  # fmt: skip
        User = get_user_model()
        accounts = {
            "fournisseur": (Role.SUPPLIER_MEMBER, organisation),
            "instructeur": (Role.ASP_INSTRUCTOR, None),
            "agent-payeur": (Role.ASP_PAYING_AGENT, None),
            "agent-ans": (Role.ANS_AGENT, None),
            "admin": (Role.ADMIN, None),
        }
        for username, (role, org) in accounts.items():
            user = User.objects.create_user(username=username, password=PASSWORD, is_staff=role == Role.ADMIN,
                                            is_superuser=role == Role.ADMIN)  # fmt: skip
            Membership.objects.create(user=user, role=role, organisation=org)
            _, key = ApiToken.issue(f"démo {username}", user=user)
            self.stdout.write(
                f"  {Role(role).label:28} identifiant « {username} », mot de passe « {PASSWORD} », jeton {key}"
            )
        supplier = Principal.for_user(User.objects.get(username="fournisseur"))
        instructor = Principal.for_user(User.objects.get(username="instructeur"))
        paying = Principal.for_user(User.objects.get(username="agent-payeur"))
        order = {"in_client_name": True, "issued_on": "2026-08-01", "signed_on": "2026-08-10", "signature": "psc",
                 "lines": [{"label": "Prestation Ségur", "amount": Decimal("270.00")}], "vat_rate": "20",
                 "mention_state_funded": True, "mention_conditional_referencing": False, "conditioned_on": []}  # fmt: skip
        dossiers = [
            actions.file_one(supplier, DossierIn.model_validate(
                {"client": {"rpps": p.rpps}, "solution_version_id": version.pk, "order": order,
                 "de_minimis_other_aid": Decimal("0.00")}).dict())
            for p in professionals
        ]  # fmt: skip
        for dossier in dossiers[:3]:
            actions.validate(instructor, dossier)
        batch = prepare_batch(paying)
        confirm_batch(paying, send_batch(paying, batch))
        actions.request_completion(instructor, dossiers[3], "Merci de joindre le bon de commande signé.")
        actions.reject(
            instructor, dossiers[6], "Bon de commande signé avant la Date 0 : demande irrecevable."
        )
        actions.declare_incapacity(supplier, dossiers[0], "Le Client a cessé son activité libérale.")
        extra = DossierIn.model_validate(
            {"client": {"rpps": professionals[6].rpps}, "solution_version_id": version.pk, "order": order,
             "de_minimis_other_aid": Decimal("0.00")}).dict()  # fmt: skip
        actions.file_one(supplier, extra, draft=True)
        self.stdout.write(
            f"  {Dossier.objects.count()} dossiers de démonstration (brouillon, déposés, à compléter, rejeté, "
            "avance versée, en recouvrement)."
        )

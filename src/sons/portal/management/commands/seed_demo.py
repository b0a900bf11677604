"""Demonstration data for `make run`: a publisher enrolled with a referenced solution, the directory, one
account per role, and dossiers at several stages. Does nothing if the demonstration is already loaded."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from sons import clock
from sons.accounts import demo
from sons.directory.enums import PracticeMode, Profession
from sons.directory.models import Centre, Professional
from sons.documents.store import store_uploaded_file
from sons.dossiers import actions
from sons.dossiers.enums import DocumentKind, DossierState
from sons.dossiers.models import Dossier
from sons.dossiers.pilots import decide_pilot, submit_pilot
from sons.payments.actions import confirm_batch, prepare_batch, send_batch
from sons.recoveries import actions as recoveries
from sons.recoveries.models import RecoveryCase
from sons.registry.enums import Referencing
from sons.registry.models import Publisher, Solution, SolutionVersion
from sons.rules.identifiers import with_luhn_key
from sons.suppliers.enums import EnrolmentState, Role
from sons.suppliers.models import ApiToken, Enrolment, Organisation
from sons.suppliers.perms import Principal

ORDER = {"in_client_name": True, "issued_on": "2026-08-01", "signed_on": "2026-08-10", "signature": "psc",
         "lines": [{"label": "Prestation Ségur", "amount": Decimal("270.00")}], "vat_rate": "20",
         "mention_state_funded": True, "mention_conditional_referencing": False, "conditioned_on": []}  # fmt: skip
BALANCE = {  # the balance request of a service completed on 2026-10-01 (VA and invoice, §4.4, §6.4)
    "completed_on": date(2026, 10, 1),
    "va": {"signed_on": date(2026, 10, 5), "signature": "psc",
           "functions": ["psc_login", "ins_qualification", "mss_pro", "mss_patient", "integrate_received", "send_mes",
                         "consult_mes", "segur_documents"]},
    "invoice": {"issued_on": date(2026, 10, 6), "amount": Decimal("270.00"), "in_client_name": True},
    "training_delivered": True,
}  # fmt: skip
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
            call_command("demo_accounts", stdout=self.stdout)  # `make run` prints the accounts every time
            return
        with clock.as_of(date(2026, 9, 1)), transaction.atomic():
            self.load()

    def load(self):
        organisation = Organisation.objects.create(
            name="Logiciels Ségur Démo", siren="732829320", siret="73282932000074", kind="publisher",
            address="12 rue de la Santé", postcode="75013", city="Paris", iban="FR7630006000011234567890189",
            bic="AGRIFRPP", psc_user_service_operator=True, hosts_health_data=False, sworn_statement=True,
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
                    ("Anaïs", "Roux", Profession.IDE),
                    ("Jérôme", "Fontaine", Profession.MK),
                    ("Chloé", "Chevalier", Profession.SAGE_FEMME),
                    ("Gaëlle", "Robin", Profession.IDE),
                    ("Noé", "Gauthier", Profession.MK),
                    ("Léa", "Perrin", Profession.ORTHOPHONISTE),
                    ("Françoise", "Morel", Profession.IDE),
                    ("Théo", "Mercier", Profession.IDE),
                ]
            )
        ]
        Centre.objects.create(finess_geo=with_luhn_key("75009900"), name="Centre de soins infirmiers Démo",
                              tranche="C", accord_national_2015=True, staff_declared=True)  # fmt: skip
        User = get_user_model()
        self.stdout.write("Comptes de démonstration (à revoir plus tard : « sons demo accounts ») :")
        for user in demo.create_accounts(organisation):
            for line in demo.describe(user):
                self.stdout.write(line)
            _, key = ApiToken.issue(f"démo {user.username}", user=user)
            self.stdout.write(f"      jeton d'API : {key}")
        self.enrolment_to_decide()
        supplier = Principal.for_user(User.objects.get(username="fournisseur"))
        instructor = Principal.for_user(User.objects.get(username="instructeur"))
        paying = Principal.for_user(User.objects.get(username="agent-payeur"))
        ans = Principal.for_user(User.objects.get(username="agent-ans"))
        self.every_state(version, professionals, supplier, instructor, paying, ans)
        self.stdout.write(
            f"  {Dossier.objects.count()} dossiers de démonstration, dans "
            f"{Dossier.objects.values('state').distinct().count()} des {len(DossierState.values)} états."
        )

    def enrolment_to_decide(self):
        """A distributor signed up, its enrolment filed with its PDFs: for the instructor to decide."""
        from sons.suppliers import actions as enrolment
        from sons.suppliers.enums import MemberRole, PieceKind
        from sons.suppliers.models import Membership

        distributor = Organisation.objects.create(
            name="Distribution Santé Ouest", siren="552081317", siret="55208131766522", kind="distributor",
            address="4 place du Commerce", postcode="44000", city="Nantes",
        )  # fmt: skip
        user = get_user_model().objects.create_user(
            username=demo.DISTRIBUTOR, email="lea.perrin@distribution-ouest-demo.fr", password=demo.PASSWORD
        )
        Membership.objects.create(user=user, role=Role.SUPPLIER_MEMBER, organisation=distributor,
                                  member_role=MemberRole.ADMINISTRATOR)  # fmt: skip
        form = enrolment.EnrolmentForm(
            solution_id=Solution.objects.get(name="CabinetPlus").pk, hosts_health_data=False,
            psc_user_service_operator=True, iban="FR7630004000031234567890143", bic="BNPAFRPP",
        )  # fmt: skip
        pieces = {PieceKind.RIB: [demo.demo_pdf("RIB — Distribution Santé Ouest", "rib.pdf")],
                  PieceKind.SWORN_STATEMENT: [demo.demo_pdf("Déclaration sur l'honneur", "declaration.pdf")],
                  PieceKind.PUBLISHER_DECLARATION: [demo.demo_pdf("Déclaration de l'éditeur", "declaration-editeur.pdf")],
                  PieceKind.PUBLISHER_MANDATE: [demo.demo_pdf("Mandat de l'éditeur", "mandat.pdf")]}  # fmt: skip
        enrolment.file_enrolment(Principal.for_user(user), form, pieces)
        for line in demo.describe(user):
            self.stdout.write(line)
        self.stdout.write(
            "      (distributeur dont la demande d'enrôlement attend la décision de l'instructeur)"
        )

    def every_state(self, version, professionals, supplier, instructor, paying, ans):
        """One dossier (at least) in each state of the workflow, reached through the domain's own actions."""
        pending = SolutionVersion.objects.create(
            solution=version.solution, version="6", rank=6, profiles=PROFILES, candidature_validated=True,
            complete_dossier_on="2026-07-01", referencing=Referencing.PENDING,
        )  # fmt: skip

        def file(n, chosen=version, draft=False, **order_changes):
            data = {"client": {"rpps": professionals[n].rpps}, "solution_version_id": chosen.pk,
                    "order": {**ORDER, **order_changes}, "de_minimis_other_aid": Decimal("0.00")}  # fmt: skip
            return actions.file_one(supplier, data, draft=draft)

        def fresh(dossier):
            return Dossier.objects.get(pk=dossier.pk)

        def join_order(dossier):
            """§6.2: the signed order's copy, joined after the direct filing (as through the API's bulk door)."""
            order = demo.demo_pdf("Bon de commande signé par le Client", "bon-de-commande.pdf")
            store_uploaded_file(dossier, DocumentKind.ORDER, order, supplier.label)
            return dossier

        # Every step is taken on its own day, in the order of the days: each history reads as its dossier lived.
        before_date_0 = {"issued_on": "2025-05-15", "signed_on": "2025-05-20"}  # d[6]: §4.3, to be rejected
        d = [file(n, **(before_date_0 if n == 6 else {})) for n in (*range(14), 15, 16)]
        for n, dossier in enumerate(d):
            if n != 3:  # d[3] lacks it: the instructor asks for it, and its validation waits for it
                join_order(dossier)
        with clock.as_of(date(2027, 10, 1)):  # §6.2: the exception opens 15 days before Date 4
            actions.validate(instructor, join_order(file(14, pending, mention_conditional_referencing=True)))
        for n in (0, 1, 2, 4, 5, 9, 10, 11, 13, 14, 15):
            actions.validate(instructor, d[n])
        confirm_batch(paying, send_batch(paying, prepare_batch(paying)))  # advances paid
        pilot = submit_pilot(supplier, version.pk, [{"dossier_id": d[n].pk, "pv_signed": True}
                                                    for n in (0, 1, 2, 4, 5)], training_materials_sent=True)  # fmt: skip
        decide_pilot(ans, pilot, accept=True)  # §6.3: the first installations succeeded
        with clock.as_of(date(2026, 9, 2)):
            actions.request_completion(instructor, d[3], "Merci de joindre le bon de commande signé.")
            actions.reject(instructor, d[6], "Bon de commande signé le 20/05/2025, avant la Date 0 (15/06/2025) : "
                                             "demande irrecevable (AF §4.3).")  # fmt: skip
            file(6, draft=True)  # a new order for the client whose request was rejected
            cancelled = actions.validate(instructor, d[12])  # advance validated, not yet paid: abandoned
            recoveries.declare_incapacity(supplier, cancelled, "Le Client a fermé son cabinet.")
            for n in (0, 4, 13, 14, 15):  # paid advances to recover
                recoveries.declare_incapacity(
                    supplier, fresh(d[n]), "Le Client a cessé son activité libérale."
                )
        with clock.as_of(date(2026, 9, 3)):  # formal notices (§7)
            for n in (4, 14, 15):
                recoveries.send_formal_notice(instructor, RecoveryCase.objects.get(dossier=d[n]))
        with clock.as_of(date(2026, 9, 20)):
            recoveries.record_observations(instructor, RecoveryCase.objects.get(dossier=d[14]),
                                           "Le Fournisseur conteste la date de cessation d'activité.")  # fmt: skip
            recoveries.cancel(
                instructor, RecoveryCase.objects.get(dossier=d[13]), "Prestation finalement réalisée."
            )
        with clock.as_of(date(2026, 10, 15)):  # the notices' 30 days have run out without remedy
            for n in (4, 15):
                recoveries.order_repayment(instructor, RecoveryCase.objects.get(dossier=d[n]))
        with clock.as_of(date(2026, 10, 20)):  # services done, balances requested
            for n in (1, 2, 9, 10, 11):  # §6.4: the invoice and the VA joined before the request
                for kind, title in (("invoice", "Facture"), ("va", "Vérification d'aptitude signée")):  # §6.4
                    store_uploaded_file(d[n], kind, demo.demo_pdf(title, f"{kind}.pdf"), supplier.label)
            for n in (1, 2, 9, 10):
                actions.file_balance(supplier, fresh(d[n]), BALANCE)
            invoice = {**BALANCE["invoice"], "in_client_name": False}
            actions.file_balance(supplier, fresh(d[11]), {**BALANCE, "invoice": invoice})
            actions.validate(instructor, fresh(d[1]))
            confirm_batch(paying, send_batch(paying, prepare_batch(paying)))  # balance of d[1] paid
            actions.validate(instructor, fresh(d[9]))  # balance validated, waiting for the next batch
            actions.request_completion(instructor, fresh(d[10]), "Merci de joindre la VA signée par le Client : "
                                                                 "la pièce jointe est illisible.")  # fmt: skip
            actions.reject(instructor, fresh(d[11]), "La facture n'est pas au nom du Client (AF §6.4).")
        with clock.as_of(date(2026, 10, 21)):
            actions.validate(instructor, d[7])  # advance validated after the batches: waits for the next one
        with clock.as_of(date(2026, 10, 30)):
            recovered = RecoveryCase.objects.get(dossier=d[4])
            recoveries.record_repayment(paying, recovered, recovered.amount)

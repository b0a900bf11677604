"""Every fixed value the rules read or write, declared once: (code, French label), in display order.

The contract's choice fields and its JSON Schema, the evaluation's output and its French rendering
read these lists; the platform builds its Django choices from them (`choices` is a tuple of
(code, label) pairs). Which codes the AF admits at a date (the signature modes, the VA's key
functions…) is a dated parameter; what each code means is here.
"""

from __future__ import annotations

from collections.abc import Iterator


class CodeList:
    """An ordered list of (code, label) pairs, with membership and label lookups."""

    __slots__ = ("_labels", "choices", "codes", "name")

    def __init__(self, name: str, *items: tuple[str, str]):
        self.name = name
        self.choices: tuple[tuple[str, str], ...] = tuple(items)
        self.codes: tuple[str, ...] = tuple(code for code, _ in items)
        self._labels = dict(items)
        if len(self._labels) != len(items):
            raise ValueError(f"Code en double dans la liste {name}")

    def label(self, code: str | None) -> str:
        """The French label of `code`; an unknown code reads as itself (never a crash in a page)."""
        if code is None:
            return "non renseigné"
        return self._labels.get(code, code)

    def labels(self, codes) -> list[str]:
        return [self.label(code) for code in codes]

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"CodeList({self.name!r}, {len(self.codes)} codes)"


# The dossier: what is requested, by whom, for which software.

REQUESTS = CodeList(
    "requests",
    ("advance", "Demande de financement et de versement de l'avance"),
    ("balance", "Demande de solde"),
)
SUPPLIER_ROLES = CodeList("supplier_roles", ("publisher", "Éditeur"), ("distributor", "Distributeur"))
ENROLMENT_STATES = CodeList(
    "enrolment_states",
    ("none", "Non enrôlé"),
    ("filed", "Demande d'enrôlement déposée"),
    ("validated", "Enrôlement validé"),
    ("rejected", "Enrôlement rejeté"),
)
MARKETS = CodeList(
    "markets",
    ("open", "Marché concurrentiel"),
    ("self_edited", "Autoéditée"),
    ("members_only", "Réservée aux membres"),
)
REFERENCING = CodeList(
    "referencing",
    ("pending", "En cours d'instruction"),
    ("granted", "Référencée"),
    ("refused", "Refusée"),
    ("withdrawn", "Référencement retiré"),
)

# The client (§1.2, §4.2, §5.3).

CLIENT_KINDS = CodeList(
    "client_kinds", ("professional", "Professionnel libéral"), ("centre", "Centre de santé")
)
# §1.2 footnote 3: only the centres de santé infirmiers are eligible; the others « relèvent de
# dispositifs distincts ».
CENTRE_TYPES = CodeList(
    "centre_types",
    ("infirmier", "Centre de santé infirmier"),
    ("polyvalent", "Centre de santé polyvalent"),
    ("medical", "Centre de santé médical"),
    ("dentaire", "Centre de santé dentaire"),
)
PROFESSIONS = CodeList(
    "professions",
    ("sage_femme", "Sage-femme"),
    ("ide", "Infirmier(ère) diplômé(e) d'État (IDE)"),
    ("ipa", "Infirmier(ère) en pratique avancée (IPA)"),
    ("mk", "Masseur-kinésithérapeute"),
    ("orthophoniste", "Orthophoniste"),
    ("orthoptiste", "Orthoptiste"),
    ("pedicure_podologue", "Pédicure-podologue"),
)
PRACTICES = CodeList(
    "practices", ("liberal", "Libéral"), ("salaried", "Salarié"), ("other", "Autre (bénévole…)")
)
PROFILES = CodeList(
    "profiles",
    ("sage_femme", "Sage-femme"),
    ("ide", "IDE"),
    ("ipa", "IPA"),
    ("mk", "Masseur-kinésithérapeute"),
    ("orthophoniste", "Orthophoniste"),
    ("orthoptiste", "Orthoptiste"),
    ("pedicure_podologue", "Pédicure-podologue"),
    ("centre_sante_infirmier", "Centre de santé infirmier"),
)
TRANCHES = CodeList(
    "tranches",
    ("A", "Tranche A"),
    ("B", "Tranche B"),
    ("C", "Tranche C"),
    ("D", "Tranche D"),
    ("E", "Tranche E"),
)
# §5.1: the register of de minimis aids counted against the ceiling.
AID_SOURCES = CodeList(
    "aid_sources",
    ("declaration", "Déclarée par le Client"),
    ("sons", "Versée par l'ASP au titre d'un autre dispositif SONS"),
    ("platform", "Versée au titre du SONS SFP-LGC-Va2"),
)

# The order (§4.3, §5.2) and the VA (§4.4, §6.4).

SIGNATURE_MODES = CodeList(
    "signature_modes",
    ("handwritten", "Signature manuscrite"),
    ("cpx", "Signature avec certificat CPx"),
    ("psc", "Signature avec identification électronique Pro Santé Connect"),
    ("rgs1", "Signature par certificat logiciel RGS 1 étoile"),
    ("eidas_simple", "Signature électronique de niveau eIDAS simple ou supérieur"),
    ("none", "Non signé"),
)
VAT_RATES = CodeList(
    "vat_rates",
    ("20", "TVA à 20 %"),
    ("8.5", "TVA à 8,5 %"),
    ("0", "Non assujetti à la TVA (hors taxe)"),
)
CAP_COLUMNS = CodeList(
    "cap_columns", ("ttc_20", "TTC, TVA à 20 %"), ("ttc_8_5", "TTC, TVA à 8,5 %"), ("ht", "HT")
)
ORDER_CONDITIONS = CodeList(
    "order_conditions",
    ("re_engagement", "un réengagement contractuel du Client"),
    ("paid_option", "la souscription à titre onéreux d'une option contractuelle hors périmètre"),
    ("other_paid_purchase", "la commande à titre onéreux d'un autre produit ou service hors périmètre"),
)
VA_KEY_FUNCTIONS = CodeList(
    "va_key_functions",
    (
        "psc_login",
        "S'authentifier avec Pro Santé Connect pour se connecter au logiciel et aux téléservices (INS, DMP) "
        "en e-CPS",
    ),
    ("ins_qualification", "Connaître le statut INS des patients et qualifier l'identité facilement"),
    (
        "mss_pro",
        "Rechercher un confrère dans l'annuaire et lui adresser un document par MSSanté professionnel",
    ),
    ("mss_patient", "Envoyer un message vers la MSSanté patient"),
    ("integrate_received", "Intégrer dans le logiciel les documents reçus, notamment via MSSanté"),
    ("send_mes", "Envoyer simplement les documents produits à Mon espace santé"),
    ("consult_mes", "Consulter simplement Mon espace santé"),
    (
        "segur_documents",
        "Produire tous les documents de la liste des documents Ségur aux formats CDAR2N1 ou CDAR2N3",
    ),
)
TRAINING_TOPICS = CodeList(
    "training_topics",
    ("psc", "PSC : se connecter au logiciel avec Pro Santé Connect et aux téléservices en e-CPS"),
    ("ins_traits", "INS : qualifier l'identité avec appel INSi par traits d'identité"),
    ("ins_carte_vitale", "INS : qualifier l'identité avec appel INSi par carte Vitale"),
    ("ins_appli_carte_vitale", "INS : qualifier l'identité avec appel INSi par l'appli carte Vitale"),
    ("ins_retours", "INS : gérer les différents retours possibles du téléservice INSi"),
    (
        "mss_pro",
        "MSSanté : rechercher un confrère dans l'annuaire et lui adresser un document par MSSanté professionnel",
    ),
    ("mss_patient", "MSSanté : envoi d'un document vers la MSSanté patient et fin de la conversation"),
    ("mss_integration", "MSSanté : intégration d'un document reçu, INS qualifiée ou non"),
    ("mes_envoi", "Mon espace santé : envoi automatique des documents Ségur, statut et modification"),
    ("mes_consentement", "Mon espace santé : information et consentement à la consultation"),
    (
        "mes_consultation",
        "Mon espace santé : consultation des documents, métadonnées, recherche, intégration",
    ),
    ("ordonnance_numerique", "Documents clés : production et exécution d'une ordonnance numérique"),
    ("vaccination", "Documents clés (profils sage-femme, IDE, IPA) : note de vaccination et historique"),
    ("portabilite", "Fonctionnement : modalités de portabilité des données"),
    ("tableaux_de_bord", "Fonctionnement : consultation des tableaux de bord"),
    (
        "centre_partage",
        "Fonctionnement (profil Centre de santé infirmier) : partage et exclusion de données, documents, "
        "professionnels",
    ),
)

# The evaluation's output.

DECISIONS = CodeList(
    "decisions",
    ("admissible", "Recevable"),
    ("admissible_subject_to_referencing", "Recevable sous réserve de la décision de référencement"),
    ("not_admissible", "Non recevable"),
)
SEVERITIES = CodeList(
    "severities", ("blocking", "bloquant"), ("warning", "avertissement"), ("info", "information")
)
CHECK_STATUSES = CodeList(
    "check_statuses",
    ("passed", "respectée"),
    ("failed", "non respectée"),
    ("not_applicable", "sans objet"),
    ("unknown", "information manquante"),
    ("computed", "calculé"),
)
# The dates of §2 (and the two the AF derives from them), as `sons calendar` prints them.
CALENDAR_DATES = CodeList(
    "calendar_dates",
    ("date_0", "Date 0 — parution au JO de l'arrêté, lancement du SONS"),
    ("date_1", "Date 1 — date limite de dépôt du dossier administratif à l'ANS"),
    ("date_2", "Date 2 — date limite de dépôt d'un dossier complet de preuves de conformité"),
    ("date_3", "Date 3 — fin des échanges entre l'Éditeur et l'ANS"),
    ("date_4", "Date 4 — fin de réception des demandes de financement et d'avance"),
    ("date_5", "Date 5 — fin de réalisation des Prestations Ségur"),
    ("date_6", "Date 6 — fin de réception des demandes de paiement du solde"),
    ("order_signature_from", "Début de signature des bons de commande (Date 0 + 12 mois)"),
    ("exception_from", "Dépôt par exception en attente de référencement (Date 4 − 15 jours)"),
)
# A dossier's deadlines: one vocabulary for the simulator, the API, the portal and the exports.
DEADLINES = CodeList(
    "deadlines",
    ("date_0", "Date 0 (lancement du SONS)"),
    ("order_signature_from", "Début de la signature des bons de commande (Date 0 + 12 mois)"),
    ("order_signature_until", "Fin de la signature des bons de commande (Date 4)"),
    ("advance_request_until", "Fin du dépôt des demandes d'avance (Date 4)"),
    ("exception_from", "Début du dépôt par exception, référencement en attente (Date 4 − 15 jours)"),
    (
        "complete_dossier_until",
        "Fin du délai de dépôt du dossier complet de référencement (commande conditionnelle, 120 jours)",
    ),
    ("service_completion_until", "Fin de la réalisation de la Prestation (Date 5)"),
    ("end_of_service_attestation_until", "Fin de l'envoi de l'attestation de fin de Prestation (Date 5)"),
    ("balance_request_until", "Fin du dépôt des demandes de solde (Date 6)"),
)

# §7 recovery.

RECOVERY_GROUNDS = CodeList(
    "recovery_grounds",
    ("not_completed_at_date_5", "Prestation non réalisée à la Date 5"),
    ("incapacity", "Incapacité déclarée par le Fournisseur"),
    ("erroneous_declaration", "Déclaration erronée constatée au contrôle"),
    ("referencing_withdrawn", "Retrait du référencement de la Solution"),
    ("invoice_below_advance", "Facture inférieure à l'avance versée"),
)
RECOVERY_STEPS = CodeList(
    "recovery_steps",
    ("none", "Aucun reversement"),
    ("formal_notice", "Mise en demeure à adresser"),
    ("awaiting_observations", "Mise en demeure adressée : délai en cours"),
    ("repayment_order", "Ordre de reversement"),
    ("cancelled", "Reversement abandonné"),
)

CODE_LISTS: dict[str, CodeList] = {
    codes.name: codes for codes in list(globals().values()) if isinstance(codes, CodeList)
}


def code_list(name: str) -> CodeList:
    """The list called `name` (« professions », « tranches »…)."""
    return CODE_LISTS[name]

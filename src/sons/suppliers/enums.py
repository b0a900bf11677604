from django.db import models


class Role(models.TextChoices):
    """What an account may do on the platform. A supplier's member holds `SUPPLIER_MEMBER` (and a
    `MemberRole` within its organisation); an agent of the ASP or the ANS holds one or more staff roles."""

    SUPPLIER_MEMBER = "supplier_member", "Membre d'un fournisseur"
    ASP_INSTRUCTOR = "asp_instructor", "Instructeur ASP"
    ASP_PAYING_AGENT = "asp_paying_agent", "Agent payeur ASP"
    ASP_ADMIN = "asp_admin", "Administrateur ASP"
    ANS_AGENT = "ans_agent", "Agent ANS"
    ANS_ADMIN = "ans_admin", "Administrateur ANS"
    ADMIN = "admin", "Administrateur technique"


class MemberRole(models.TextChoices):
    """A member's role within a supplier organisation."""

    ADMINISTRATOR = "administrator", "Administrateur"
    FILER = "filer", "Déposant"
    READER = "reader", "Lecteur"


class OrganisationKind(models.TextChoices):
    """§4.1: the supplier is the publisher of the solution or a distributor declared by its publisher."""

    PUBLISHER = "publisher", "Éditeur"
    DISTRIBUTOR = "distributor", "Distributeur"


class EnrolmentState(models.TextChoices):
    FILED = "filed", "Déposée"
    TO_COMPLETE = "to_complete", "À compléter"
    VALIDATED = "validated", "Validée"
    REJECTED = "rejected", "Rejetée"


class EnrolmentStep(models.TextChoices):
    """The steps of an enrolment's lifecycle (suppliers.actions.STEPS), as its history shows them."""

    FILE = "file", "Demande d'enrôlement déposée"
    REQUEST_COMPLETION = "request_completion", "Complément demandé"
    COMPLETE = "complete", "Demande complétée"
    VALIDATE = "validate", "Enrôlement validé"
    REJECT = "reject", "Enrôlement rejeté"
    FILE_BANK_CHANGE = "file_bank_change", "Nouvelles coordonnées bancaires déposées"
    VALIDATE_BANK_CHANGE = "validate_bank_change", "Coordonnées bancaires validées"
    REJECT_BANK_CHANGE = "reject_bank_change", "Coordonnées bancaires rejetées"


class BankChangeState(models.TextChoices):
    FILED = "filed", "Déposée"
    VALIDATED = "validated", "Validée"
    REJECTED = "rejected", "Rejetée"


class PieceKind(models.TextChoices):
    """The pieces of an enrolment file (§6.1) and of a change of bank details."""

    RIB = "rib", "RIB (relevé d'identité bancaire)"
    HDS_CERTIFICATE = "hds_certificate", "Certificat HDS"
    SWORN_STATEMENT = "sworn_statement", "Déclaration sur l'honneur (aucun hébergement de données de santé)"
    PSC_HABILITATION = (
        "psc_habilitation",
        "Habilitation Pro Santé Connect « Opérateur de service utilisateur »",
    )
    PUBLISHER_DECLARATION = "publisher_declaration", "Déclaration du distributeur par l'Éditeur"
    PUBLISHER_MANDATE = "publisher_mandate", "Mandat de l'Éditeur"

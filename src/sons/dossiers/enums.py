from django.db import models

from sons.choices import text_choices
from sons.rules import codes


class DossierState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ADVANCE_FILED = "advance_filed", "Demande d'avance déposée"
    ADVANCE_TO_COMPLETE = "advance_to_complete", "Demande d'avance à compléter"
    ADVANCE_REJECTED = "advance_rejected", "Demande d'avance rejetée"
    ADVANCE_SUBJECT_TO_REFERENCING = (
        "advance_subject_to_referencing",
        "Avance recevable sous réserve du référencement",
    )
    ADVANCE_VALIDATED = "advance_validated", "Avance validée"
    ADVANCE_PAID = "advance_paid", "Avance versée"
    BALANCE_FILED = "balance_filed", "Demande de solde déposée"
    BALANCE_TO_COMPLETE = "balance_to_complete", "Demande de solde à compléter"
    BALANCE_REJECTED = "balance_rejected", "Demande de solde rejetée"
    BALANCE_VALIDATED = "balance_validated", "Solde validé"
    BALANCE_PAID = "balance_paid", "Solde versé"
    IN_RECOVERY = "in_recovery", "En recouvrement"  # the formal notice is to be sent
    RECOVERY_NOTICE_SENT = "recovery_notice_sent", "En recouvrement : mise en demeure adressée"
    RECOVERY_ORDERED = "recovery_ordered", "En recouvrement : ordre de reversement émis"
    RECOVERED = "recovered", "Recouvré"
    RECOVERY_CANCELLED = "recovery_cancelled", "Recouvrement abandonné"
    CANCELLED = "cancelled", "Abandonné"


# A client may hold another order once its dossier is rejected or abandoned (§4.2 unicity).
DEAD_STATES = (DossierState.ADVANCE_REJECTED, DossierState.CANCELLED)
# Nor does a draft hold its client: the AF deems a request made on the day the ASP receives it (§2), and a draft
# was never received. Only a filed dossier reserves its client; any number of drafts may name it.
NOT_RESERVING_STATES = (DossierState.DRAFT, *DEAD_STATES)


# The recovery of a dossier (§7), open then closed: its one state is the dossier's.
RECOVERY_OPEN_STATES = (
    DossierState.IN_RECOVERY,
    DossierState.RECOVERY_NOTICE_SENT,
    DossierState.RECOVERY_ORDERED,
)
RECOVERY_STATES = (*RECOVERY_OPEN_STATES, DossierState.RECOVERED, DossierState.RECOVERY_CANCELLED)

# The families of states the pages colour alike.
STATE_FAMILIES = {
    DossierState.DRAFT: "in_progress",
    DossierState.ADVANCE_FILED: "in_progress",
    DossierState.BALANCE_FILED: "in_progress",
    DossierState.ADVANCE_SUBJECT_TO_REFERENCING: "in_progress",
    DossierState.ADVANCE_TO_COMPLETE: "to_complete",
    DossierState.BALANCE_TO_COMPLETE: "to_complete",
    DossierState.ADVANCE_VALIDATED: "validated",
    DossierState.BALANCE_VALIDATED: "validated",
    DossierState.ADVANCE_PAID: "paid",
    DossierState.BALANCE_PAID: "paid",
    DossierState.ADVANCE_REJECTED: "rejected",
    DossierState.BALANCE_REJECTED: "rejected",
    DossierState.CANCELLED: "rejected",
    **dict.fromkeys(RECOVERY_STATES, "recovery"),
}

# States reached only once the ASP has validated the advance request.
ADVANCE_VALIDATED_STATES = (
    DossierState.ADVANCE_VALIDATED,
    DossierState.ADVANCE_PAID,
    DossierState.BALANCE_FILED,
    DossierState.BALANCE_TO_COMPLETE,
    DossierState.BALANCE_REJECTED,
    DossierState.BALANCE_VALIDATED,
    DossierState.BALANCE_PAID,
)


ClientKind = text_choices("ClientKind", codes.CLIENT_KINDS)


class MessageKind(models.TextChoices):
    COMPLETION_REQUEST = "completion_request", "Demande de complément"
    ANSWER = "answer", "Réponse du fournisseur"
    DECISION = "decision", "Décision"
    MESSAGE = "message", "Message"


class DocumentKind(models.TextChoices):
    ORDER = "order", "Bon de commande"
    VA = "va", "Vérification d'aptitude"
    INVOICE = "invoice", "Facture"
    PV = "pv", "PV d'installation pilote"
    END_OF_SERVICE = "end_of_service", "Attestation de fin de Prestation"
    TRAINING = "training", "Supports de formation"
    OTHER = "other", "Autre pièce"


class DocumentCheck(models.TextChoices):
    """Where the automatic check of an uploaded document stands (it runs in a worker, sons.documents.tasks)."""

    PENDING = "pending", "Contrôle en cours"
    DONE = "done", "Contrôlé"
    TIMED_OUT = "timed_out", "Illisible dans le temps imparti"


class PilotState(models.TextChoices):
    SUBMITTED = "submitted", "Transmis à l'ANS"
    VALIDATED = "validated", "Validé"
    REFUSED = "refused", "Refusé"

from django.db import models


class EventKind(models.TextChoices):
    """What happened, as a notification, an e-mail, a webhook or the change feed names it (stable codes)."""

    FILING_RECEIVED = "filing.received", "Demande reçue"  # its reception date is the legal date (§2)
    COMPLETION_REQUESTED = "completion.requested", "Complément demandé"
    ANSWER_RECEIVED = "answer.received", "Réponse du fournisseur reçue"
    VALIDATED = "request.validated", "Demande validée"
    REJECTED = "request.rejected", "Demande rejetée"
    PAYMENT_SENT = "payment.sent", "Paiement effectué"
    PAYMENT_REJECTED = "payment.rejected", "Paiement rejeté par la banque"
    RECOVERY_OPENED = "recovery.opened", "Recouvrement ouvert"
    FORMAL_NOTICE = "recovery.formal_notice", "Mise en demeure adressée"
    REPAYMENT_ORDER = "recovery.repayment_order", "Ordre de reversement émis"
    REPAYMENT_RECEIVED = "recovery.repayment_received", "Reversement reçu"
    REFERENCING_GRANTED = "referencing.granted", "Référencement accordé"
    REFERENCING_REFUSED = "referencing.refused", "Référencement refusé"
    REFERENCING_WITHDRAWN = "referencing.withdrawn", "Référencement retiré"
    ENROLMENT_DECIDED = "enrolment.decided", "Décision sur l'enrôlement"
    PILOT_VALIDATED = "pilot.validated", "Périmètre pilote validé"
    MESSAGE_RECEIVED = "message.received", "Nouveau message sur un dossier"
    REMINDER = "reminder", "Rappel d'échéance"


class Audience(models.TextChoices):
    """Who is told of an event: the members of the organisation concerned, the ASP's instructors, or both."""

    SUPPLIER = "supplier", "Fournisseur"
    INSTRUCTORS = "instructors", "Instructeurs ASP"
    BOTH = "both", "Fournisseur et instructeurs"


# Who each kind is for (the organisation's members always see their organisation's events in its feed).
AUDIENCE = {
    EventKind.FILING_RECEIVED: Audience.BOTH,
    EventKind.ANSWER_RECEIVED: Audience.INSTRUCTORS,
}


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Un courriel à chaque notification"
    DIGEST = "digest", "Un récapitulatif quotidien"
    NONE = "none", "Aucun courriel (centre de notifications seulement)"

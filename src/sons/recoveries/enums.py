from django.db import models


class RecoveryGround(models.TextChoices):
    NOT_COMPLETED_AT_DATE_5 = "not_completed_at_date_5", "Prestation non réalisée à la Date 5"
    INCAPACITY = "incapacity", "Incapacité déclarée par le Fournisseur"
    ERRONEOUS_DECLARATION = "erroneous_declaration", "Déclaration erronée constatée au contrôle"
    REFERENCING_WITHDRAWN = "referencing_withdrawn", "Retrait du référencement de la Solution"


class RecoveryState(models.TextChoices):
    FORMAL_NOTICE = "formal_notice", "Mise en demeure à adresser"
    AWAITING_OBSERVATIONS = "awaiting_observations", "Mise en demeure adressée : délai en cours"
    REPAYMENT_ORDER = "repayment_order", "Ordre de reversement émis"
    RECOVERED = "recovered", "Recouvré"
    CANCELLED = "cancelled", "Abandonné"


OPEN_STATES = (
    RecoveryState.FORMAL_NOTICE,
    RecoveryState.AWAITING_OBSERVATIONS,
    RecoveryState.REPAYMENT_ORDER,
)

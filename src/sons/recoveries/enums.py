from django.db import models


class RecoveryGround(models.TextChoices):
    NOT_COMPLETED_AT_DATE_5 = "not_completed_at_date_5", "Prestation non réalisée à la Date 5"
    INCAPACITY = "incapacity", "Incapacité déclarée par le Fournisseur"
    ERRONEOUS_DECLARATION = "erroneous_declaration", "Déclaration erronée constatée au contrôle"
    REFERENCING_WITHDRAWN = "referencing_withdrawn", "Retrait du référencement de la Solution"

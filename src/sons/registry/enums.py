from django.db import models


class Market(models.TextChoices):
    OPEN = "open", "Marché concurrentiel"
    SELF_EDITED = "self_edited", "Autoéditée"
    MEMBERS_ONLY = "members_only", "Réservée aux membres"


class Referencing(models.TextChoices):
    PENDING = "pending", "En cours d'instruction"
    GRANTED = "granted", "Référencée"
    REFUSED = "refused", "Refusée"
    WITHDRAWN = "withdrawn", "Référencement retiré"

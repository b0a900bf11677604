from django.db import models

from sons.rules.codes import AID_SOURCES, CENTRE_TYPES


class Profession(models.TextChoices):
    SAGE_FEMME = "sage_femme", "Sage-femme"
    IDE = "ide", "Infirmier(ère) diplômé(e) d'État"
    IPA = "ipa", "Infirmier(ère) en pratique avancée"
    MK = "mk", "Masseur-kinésithérapeute"
    ORTHOPHONISTE = "orthophoniste", "Orthophoniste"
    ORTHOPTISTE = "orthoptiste", "Orthoptiste"
    PEDICURE_PODOLOGUE = "pedicure_podologue", "Pédicure-podologue"
    OTHER = "other", "Autre profession"


class PracticeMode(models.TextChoices):
    LIBERAL = "liberal", "Libéral"
    SALARIED = "salaried", "Salarié"
    OTHER = "other", "Autre (bénévole…)"


# Labels from the rules' code lists (sons.rules.codes), declared once there.
AidSource = models.TextChoices(
    "AidSource", [(code.upper(), (code, label)) for code, label in AID_SOURCES.choices]
)
CentreType = models.TextChoices(
    "CentreType", [(code.upper(), (code, label)) for code, label in CENTRE_TYPES.choices]
)

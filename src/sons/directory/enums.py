from django.db import models


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


class AidSource(models.TextChoices):
    DECLARATION = "declaration", "Déclaration du Client"
    PLATFORM = "platform", "Versement SONS de la plateforme"

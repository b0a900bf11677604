from django.db import models


class Role(models.TextChoices):
    SUPPLIER_MEMBER = "supplier_member", "Membre d'un fournisseur"
    ASP_INSTRUCTOR = "asp_instructor", "Instructeur ASP"
    ASP_PAYING_AGENT = "asp_paying_agent", "Agent payeur ASP"
    ANS_AGENT = "ans_agent", "Agent ANS"
    ADMIN = "admin", "Administrateur"


class EnrolmentState(models.TextChoices):
    FILED = "filed", "Déposée"
    TO_COMPLETE = "to_complete", "À compléter"
    VALIDATED = "validated", "Validée"
    REJECTED = "rejected", "Rejetée"

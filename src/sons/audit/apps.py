from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sons.audit"
    label = "audit"
    verbose_name = "Journal d'audit"

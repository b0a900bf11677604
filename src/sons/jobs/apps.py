from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sons.jobs"
    verbose_name = "Travaux en file"
    default_auto_field = "django.db.models.BigAutoField"

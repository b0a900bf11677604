from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "sons.dossiers"
    label = "dossiers"

from django.apps import AppConfig


class RecoveriesConfig(AppConfig):
    name = "sons.recoveries"
    label = "recoveries"

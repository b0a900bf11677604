from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "sons.suppliers"
    label = "suppliers"

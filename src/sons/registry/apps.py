from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sons.registry"
    label = "registry"

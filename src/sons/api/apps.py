from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sons.api"
    label = "api"

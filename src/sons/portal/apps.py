from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sons.portal"
    verbose_name = "Portail SONS"

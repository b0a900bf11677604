from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "sons.dossiers"
    label = "dossiers"

    def ready(self):
        from sons.directory.signals import clients_changed

        from .alerts import flag_open_dossiers

        clients_changed.connect(flag_open_dossiers, dispatch_uid="dossiers.flag_open_dossiers")

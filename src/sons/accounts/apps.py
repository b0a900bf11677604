from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sons.accounts"
    label = "accounts"
    verbose_name = "comptes"

    def ready(self):
        from . import twofactor  # noqa: F401 - connects the sign-in signal

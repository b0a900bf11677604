from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sons.payments"
    label = "payments"

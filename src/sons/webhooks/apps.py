from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "sons.webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sons.notifications.hooks import on_events

        from .deliveries import fan_out

        on_events(fan_out)

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sons.portal"
    verbose_name = "Portail SONS"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from sons.web import mark_session_active

        user_logged_in.connect(mark_session_active, dispatch_uid="sons.web.mark_session_active")

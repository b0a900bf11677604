"""Today's date for the workflow: the real date, or SONS_TODAY in settings (tests, demonstrations)."""

from datetime import date

from django.conf import settings


def today() -> date:
    forced = getattr(settings, "SONS_TODAY", None)
    return date.fromisoformat(forced) if isinstance(forced, str) else forced or date.today()

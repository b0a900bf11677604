"""Sign-in throttling (django-axes): an account is locked for 15 minutes after 10 wrong passwords, whoever
tries them and from wherever; the locked-out page says so in French. The right password is refused while the
account is locked."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render


class SignInThrottle(AxesStandaloneBackend):
    """Axes's backend, for sign-ins over HTTP. Code that authenticates without a request (a management
    command, a test's client.login) has nothing to throttle: the next backend decides alone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Compte verrouillé après {settings.AXES_FAILURE_LIMIT} échecs de connexion : réessayez dans "
        f"{minutes} minutes. Si ce n'était pas vous, prévenez votre administrateur."
    )
    return render(request, "portal/locked.html", {"message": message}, status=429)

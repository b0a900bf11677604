"""The second factor (django-otp): a TOTP application, and ten single-use recovery codes.

Mandatory for the roles that release money or give roles (`perms.SECOND_FACTOR_ROLES`: paying agents, ASP and
ANS administrators, the technical administrator), optional for everyone else. Whoever has a second factor
uses it at each sign-in; an account whose role needs one and that has none reaches only the page that
enrols it (`SecondFactorMiddleware`)."""

from __future__ import annotations

import io

import segno
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sons.audit.journal import record
from sons.suppliers.perms import SECOND_FACTOR_ROLES, Forbidden, Principal

RECOVERY_CODES = 10
TOTP_NAME = "application d'authentification"
RECOVERY_NAME = "codes de secours"


SESSION_KEY = "sons_has_second_factor"


def needs_second_factor(user) -> bool:
    return user.is_authenticated and user.memberships.filter(role__in=SECOND_FACTOR_ROLES).exists()


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


@receiver(user_logged_in)
def remember_second_factor(sender, request, user, **kwargs):
    """Read once per sign-in whether the account has a second factor (the pages then ask for it)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = has_second_factor(user)


def request_principal(request) -> Principal | None:
    """The signed-in account's roles, read once per request (the portal's pages reuse them)."""
    if not hasattr(request, "_sons_principal"):
        try:
            request._sons_principal = Principal.for_user(request.user)
        except Forbidden:
            request._sons_principal = None
    return request._sons_principal


def pending_totp(user) -> TOTPDevice:
    """The TOTP device being enrolled (created once, until confirmed by a first code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an SVG QR code, for the enrolment page (served as an image)."""
    out = io.BytesIO()  # a standalone SVG document (with its namespace), since the page shows it as an <img>
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, border=2, dark="#161616", xmldecl=False
    )
    return out.getvalue().decode()


def secret_of(device: TOTPDevice) -> str:
    """The key in base 32, for typing into an application that cannot read the QR code."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def issue_recovery_codes(user) -> list[str]:
    """Ten new recovery codes (the old ones stop working), shown once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def confirm_totp(request, device: TOTPDevice, token: str) -> list[str] | None:
    """The first code from the application confirms the device; returns the recovery codes, or None if the
    code is wrong. The session is verified at once."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
        if not locked.verify_token((token or "").strip().replace(" ", "")):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        request.session[SESSION_KEY] = True
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        codes = issue_recovery_codes(request.user)
        record("second_factor.enrolled", actor=request.user, target=("user", request.user.pk), payload={})
    otp_login(request, locked)
    return codes


def verify(request, token: str):
    """Check a code from the application or a recovery code; the session is verified when one matches."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(request.user, for_verify=True):
            if device.verify_token(token):
                break
        else:
            return None
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        record("second_factor.recovery_code_used", actor=request.user, target=("user", request.user.pk),
               payload={"left": recovery_codes_left(request.user)})  # fmt: skip
    return device


def remove_second_factor(request) -> None:
    """An optional second factor withdrawn by its owner (refused where the role requires one)."""
    with transaction.atomic():
        for device in devices_for_user(request.user, confirmed=None):
            device.delete()
        record("second_factor.removed", actor=request.user, target=("user", request.user.pk), payload={})
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_KEY] = False


class SecondFactorMiddleware:
    """After django-otp's middleware: an account with a second factor must use it before anything else; an
    account whose role requires one, and that has none, reaches only the page that enrols it."""

    OPEN_PREFIXES = ("/static/",)
    OPEN_NAMES = ("portal:logout",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        path = request.path
        if path.startswith(self.OPEN_PREFIXES) or path in self._open_paths():
            return self.get_response(request)
        if SESSION_KEY not in request.session:  # a session opened before this check existed
            request.session[SESSION_KEY] = has_second_factor(user)
        principal = request_principal(request)
        if request.session[SESSION_KEY]:
            target = "portal:second_factor"
        elif principal is not None and principal.needs_second_factor:
            target = "portal:second_factor_setup"
        else:
            return self.get_response(request)
        target_path = reverse(target)
        if path == target_path or (target == "portal:second_factor_setup" and path.startswith(target_path)):
            return self.get_response(request)
        if path.startswith("/api/"):
            return JsonResponse(
                {"message": "Second facteur requis : terminez la connexion dans le portail.", "field": ""},
                status=403,
            )
        return redirect(f"{target_path}?{urlencode({'next': request.get_full_path()})}")

    def _open_paths(self) -> set[str]:
        paths = set()
        for name in self.OPEN_NAMES:
            paths.add(reverse(name))
        return paths

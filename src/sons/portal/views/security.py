"""The account's security: the second factor (enrolment with its QR code, the code at sign-in, recovery codes)
and the password (reset by e-mail, change)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sons.accounts import twofactor
from sons.accounts.models import ProConnectIdentity
from sons.suppliers.enums import Role

from ..access import principal_of
from ..forms_accounts import CodeForm, DsfrPasswordResetForm, DsfrSetPasswordForm


def _next(request, default: str = "portal:space") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def account(request):
    principal = principal_of(request)
    return render(request, "portal/account/account.html", {
        "principal": principal, "has_second_factor": twofactor.has_second_factor(request.user),
        "required": principal is not None and principal.needs_second_factor,
        "codes_left": twofactor.recovery_codes_left(request.user),
        "proconnect": ProConnectIdentity.objects.filter(user=request.user).first(),
        "role_labels": ", ".join(Role(r).label for r in sorted(principal.roles)) if principal else "",
    })  # fmt: skip


@login_required
def second_factor_setup(request):
    """Enrol a TOTP application: scan the QR code (or type the key), then give a first code."""
    if twofactor.has_second_factor(request.user) and request.user.is_verified():
        return redirect("portal:account")
    device = twofactor.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_totp(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "portal/account/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", "Code incorrect : saisissez le code à 6 chiffres affiché par l'application, "
                               "avant qu'il ne change.")  # fmt: skip
    principal = principal_of(request)
    return render(request, "portal/account/second_factor_setup.html", {
        "form": form, "secret": twofactor.secret_of(device), "uri": device.config_url, "next": _next(request, ""),
        "required": principal is not None and principal.needs_second_factor,
    }, status=400 if form.errors else 200)  # fmt: skip


@login_required
def second_factor_qr(request):
    device = twofactor.pending_totp(request.user)
    response = HttpResponse(twofactor.qr_svg(device), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def second_factor(request):
    """The code asked at sign-in from whoever has a second factor."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["code"]) is not None:
            return redirect(_next(request))
        form.add_error("code", "Code incorrect ou déjà utilisé. Après plusieurs erreurs, patientez quelques "
                               "secondes avant de réessayer.")  # fmt: skip
    return render(request, "portal/account/second_factor.html", {"form": form, "next": _next(request, "")},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def recovery_codes(request):
    if not request.user.is_verified():
        raise PermissionDenied("Confirmez d'abord votre second facteur.")
    codes = twofactor.issue_recovery_codes(request.user)
    return render(request, "portal/account/recovery_codes.html", {"codes": codes, "next": ""})


@login_required
@require_POST
def remove_second_factor(request):
    principal = principal_of(request)
    if principal is not None and principal.needs_second_factor:
        messages.error(request, "Votre rôle exige un second facteur : il ne peut pas être retiré.")
    else:
        twofactor.remove_second_factor(request)
        messages.success(request, "Second facteur retiré.")
    return redirect("portal:account")


# Django's password reset, in the portal's forms and pages.
password_reset = auth_views.PasswordResetView.as_view(
    template_name="portal/account/password_reset.html", form_class=DsfrPasswordResetForm,
    email_template_name="emails/password_reset.txt", subject_template_name="emails/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password_reset_done"))  # fmt: skip
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/account/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/account/password_reset_confirm.html", form_class=DsfrSetPasswordForm,
    success_url=reverse_lazy("portal:password_reset_complete"))  # fmt: skip
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/account/password_reset_complete.html"
)

"""Joining SONS: an organisation signs up (its administrator confirms their address by e-mail), and a person
invited by an organisation's administrator opens their account with the single-use link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from sons.accounts import proconnect
from sons.suppliers import organisations
from sons.suppliers.errors import Refused
from sons.suppliers.tokens import sign_up_tokens

from ..forms_accounts import InvitationAcceptForm, SignUpForm, add_refusal

BACKEND = "django.contrib.auth.backends.ModelBackend"


def sign_up(request):
    form = SignUpForm(request.POST or None, initial={"siret": request.GET.get("siret", "")[:14]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisations.sign_up(organisations.SignUp(
                siren=data["siren"], siret=data["siret"], name=data["name"], address=data["address"],
                postcode=data["postcode"], city=data["city"], kind=data["kind"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], password=data["password1"],
            ))  # fmt: skip
        except Refused as refusal:
            add_refusal(form, refusal, {"password": "password1"})
        else:
            return render(request, "portal/join/sign_up_sent.html", {"email": data["email"].lower()})
    return render(request, "portal/join/sign_up.html", {"form": form, "proconnect": proconnect.enabled()},
                  status=400 if form.errors else 200)  # fmt: skip


def sign_up_confirm(request, uidb64: str, token: str):
    User = get_user_model()
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not sign_up_tokens.check_token(user, token):
        return render(request, "portal/join/sign_up_invalid.html", status=400)
    organisation = organisations.confirm_sign_up(user)
    login(request, user, backend=BACKEND)
    messages.success(request, f"Adresse confirmée : bienvenue sur SONS. Déposez maintenant la demande d'enrôlement "
                              f"de {organisation.name}.")  # fmt: skip
    return redirect("portal:enrolment")


def invitation(request, key: str):
    try:
        found = organisations.open_invitation(key)
    except Refused as refusal:
        return render(
            request, "portal/join/invitation_invalid.html", {"message": refusal.message}, status=400
        )
    signed_in = request.user.is_authenticated
    form = None if signed_in else InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            if signed_in:
                organisations.accept_invitation(key, user=request.user)
            else:
                data = form.cleaned_data
                membership = organisations.accept_invitation(
                    key,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password1"],
                )
                login(request, membership.user, backend=BACKEND)
        except Refused as refusal:
            if form is None or refusal.field == "invitation":
                return render(request, "portal/join/invitation_invalid.html", {"message": refusal.message},
                              status=400)  # fmt: skip
            add_refusal(form, refusal, {"password": "password1"})
        else:
            messages.success(request, f"Vous avez rejoint {found.organisation.name}.")
            return redirect("portal:space")
    return render(request, "portal/join/invitation.html", {"invitation": found, "form": form,
                                                           "proconnect": proconnect.enabled()},
                  status=400 if form is not None and form.errors else 200)  # fmt: skip

"""An organisation's members: its administrators invite, give roles and remove; a member may leave; the last
administrator cannot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.suppliers import organisations
from sons.suppliers.enums import Role
from sons.suppliers.errors import Refused
from sons.suppliers.models import Invitation

from ..access import ADMINISTRATORS, role_required
from ..forms_accounts import InviteForm, MemberRoleForm, add_refusal

administrators = role_required(Role.SUPPLIER_MEMBER, members=ADMINISTRATORS)


@administrators
def members(request):
    principal = request.principal
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = organisations.invite(
                principal, form.cleaned_data["email"], form.cleaned_data["member_role"]
            )
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email} (valable 7 jours).")
            return redirect("portal:members")
    rows = [
        {"member": m, "form": MemberRoleForm(initial={"member_role": m.member_role}, prefix=f"m{m.pk}"),
         "me": m.user_id == request.user.pk}
        for m in organisations.members_of(principal)
    ]  # fmt: skip
    invitations = Invitation.objects.filter(organisation_id=principal.organisation_id).select_related(
        "invited_by"
    )[:50]
    return render(request, "portal/supplier/members.html", {"rows": rows, "form": form, "invitations": invitations},
                  status=400 if form.errors else 200)  # fmt: skip


@administrators
@require_POST
def change_role(request, membership_id: int):
    form = MemberRoleForm(request.POST, prefix=f"m{membership_id}")
    if form.is_valid():
        try:
            member = organisations.change_member_role(
                request.principal, membership_id, form.cleaned_data["member_role"]
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"{member.user.get_full_name() or member.user.email} : rôle « "
                                      f"{member.get_member_role_display()} ».")  # fmt: skip
    else:
        messages.error(request, "Rôle : choisissez administrateur, déposant ou lecteur.")
    return redirect("portal:members")


@administrators
@require_POST
def remove(request, membership_id: int):
    try:
        organisations.remove_member(request.principal, membership_id)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Membre retiré de l'organisation ; ses jetons d'API sont révoqués.")
    return redirect("portal:members")


@administrators
@require_POST
def revoke_invitation(request, invitation_id: int):
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, organisation_id=request.principal.organisation_id
    )
    try:
        organisations.revoke_invitation(request.principal, invitation)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Invitation de {invitation.email} annulée.")
    return redirect("portal:members")


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def leave(request):
    own = request.user.memberships.filter(role=Role.SUPPLIER_MEMBER).first()
    try:
        organisations.remove_member(request.principal, own.pk)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("portal:account")
    logout(request)
    return redirect("portal:home")

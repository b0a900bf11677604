"""Staff administration: ASP and ANS administrators create agents and give or withdraw roles. The rules
(separation of duties, no role to oneself, each house its own roles) are the domain's (`suppliers.roles`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.audit.models import AuditEntry
from sons.suppliers import roles
from sons.suppliers.enums import Role
from sons.suppliers.errors import Refused
from sons.suppliers.models import Membership

from ..access import role_required
from ..forms_accounts import AgentForm, GrantForm, add_refusal

administrators = role_required(Role.ASP_ADMIN, Role.ANS_ADMIN)


def agents_queryset():
    staff_rows = Membership.objects.filter(organisation__isnull=True).order_by("role")
    return (
        get_user_model()
        .objects.filter(memberships__organisation__isnull=True)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=staff_rows, to_attr="staff_rows"))
        .order_by("last_name", "first_name", "username")
    )


@administrators
def agents(request):
    grantable = roles.grantable_roles(request.principal)
    form = AgentForm(request.POST or None, grantable=grantable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = roles.create_agent(request.principal, email=data["email"], first_name=data["first_name"],
                                      last_name=data["last_name"], roles=data["roles"])  # fmt: skip
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, f"Compte de {user.email} créé : le lien pour choisir son mot de passe lui est "
                                      "envoyé.")  # fmt: skip
            return redirect("portal:staff_agent", user.pk)
    page = Paginator(agents_queryset(), 50).get_page(request.GET.get("page"))
    for user in page.object_list:
        user.role_labels = ", ".join(Role(m.role).label for m in user.staff_rows)
    return render(request, "portal/staff/agents.html", {"page": page, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@administrators
def agent(request, user_id: int):
    user = get_object_or_404(agents_queryset(), pk=user_id)
    grantable = roles.grantable_roles(request.principal)
    held = [m.role for m in user.staff_rows]
    itself = user.pk == request.user.pk
    form = GrantForm(request.POST or None, grantable=[r for r in grantable if r not in held])
    if request.method == "POST" and not itself and form.is_valid():
        try:
            roles.assign_role(request.principal, user, form.cleaned_data["role"])
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, f"Rôle « {Role(form.cleaned_data['role']).label} » attribué.")
            return redirect("portal:staff_agent", user.pk)
    journal = AuditEntry.objects.filter(target_type="user", target_id=str(user.pk)).order_by("-pk")[:30]
    return render(request, "portal/staff/agent.html", {
        "agent": user, "held": [(r, Role(r).label, r in grantable and not itself) for r in held],
        "form": form if not itself and form.fields["role"].choices else None, "itself": itself, "journal": journal,
    }, status=400 if form.errors else 200)  # fmt: skip


@administrators
@require_POST
def withdraw(request, user_id: int, role: str):
    user = get_object_or_404(agents_queryset(), pk=user_id)
    if role not in Role.values:
        raise Http404
    try:
        roles.withdraw_role(request.principal, user, role)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"Rôle « {Role(role).label} » retiré.")
    return redirect("portal:staff_agent", user.pk)

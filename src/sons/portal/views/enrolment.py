"""Enrolment (§6.1) in the portal: the organisation files its form and pieces, answers a completion request,
asks to change its bank details; an ASP instructor decides, on a page built like a dossier's (findings of the
§6.1 rules, pieces, history, decision)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.registry.models import Solution
from sons.suppliers import actions
from sons.suppliers.banking import masked_iban
from sons.suppliers.enums import BankChangeState, EnrolmentState, MemberRole, OrganisationKind, Role
from sons.suppliers.errors import Refused
from sons.suppliers.models import BankChange, Enrolment, EnrolmentPiece

from ..access import ASP, FILERS, MEMBER_REFUSALS, role_required
from ..forms_accounts import BankChangeForm, DecisionForm, EnrolmentFileForm, add_refusal
from ..presenters import finding_rows

supplier_only = role_required(Role.SUPPLIER_MEMBER)
DECISIONS = {"validate": actions.validate, "request_completion": actions.request_completion,
             "reject": actions.reject}  # fmt: skip


def solutions():
    return Solution.objects.select_related("publisher").order_by("name", "publisher__name")


def _initial(enrolment: Enrolment | None) -> dict:
    if enrolment is None or enrolment.solution_id is None:
        return {}
    return {"solution": enrolment.solution_id, "iban": enrolment.iban, "bic": enrolment.bic,
            "hosts_health_data": _yes_no(enrolment.hosts_health_data),
            "psc_user_service_operator": _yes_no(enrolment.psc_user_service_operator)}  # fmt: skip


def _yes_no(value):
    return None if value is None else ("true" if value else "false")


@supplier_only
def enrolment(request):
    principal = request.principal
    organisation = principal.organisation
    current = (
        Enrolment.objects.filter(organisation=organisation).select_related("solution__publisher").first()
    )
    state = current.state if current else ""
    completing = state == EnrolmentState.TO_COMPLETE
    may_file = state in ("", EnrolmentState.REJECTED, EnrolmentState.TO_COMPLETE)
    distributor = organisation.supplier_kind == OrganisationKind.DISTRIBUTOR
    form = None
    if may_file and principal.may_file:
        form = EnrolmentFileForm(
            request.POST or None, request.FILES or None, solutions=solutions(), completing=completing,
            distributor=distributor, initial=_initial(current),
        )  # fmt: skip
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(MEMBER_REFUSALS[FILERS])
        if form.is_valid():
            data = form.cleaned_data
            filed = actions.EnrolmentForm(
                solution_id=data["solution"].pk, hosts_health_data=data["hosts_health_data"],
                psc_user_service_operator=data["psc_user_service_operator"], iban=data["iban"], bic=data["bic"],
            )  # fmt: skip
            try:
                if completing:
                    actions.complete_enrolment(principal, filed, form.pieces(), data.get("answer", ""))
                else:
                    actions.file_enrolment(principal, filed, form.pieces())
            except Refused as refusal:
                add_refusal(form, refusal, EnrolmentFileForm.ALIASES)
            else:
                messages.success(request, "Demande d'enrôlement transmise à l'ASP.")
                return redirect("portal:enrolment")
    context = _supplier_context(principal, current)
    context.update({"form": form, "completing": completing})
    return render(
        request, "portal/enrolment/supplier.html", context, status=400 if form and form.errors else 200
    )


def _supplier_context(principal, current: Enrolment | None) -> dict:
    organisation = principal.organisation
    changes = BankChange.objects.filter(organisation=organisation)[:10]
    pending = next((c for c in changes if c.state == BankChangeState.FILED), None)
    return {
        "organisation": organisation,
        "enrolment": current,
        "findings": finding_rows(current.findings) if current else [],
        "pieces": current.pieces.filter(replaced=False) if current else [],
        "history": current.transitions.all() if current else [],
        "blocked": actions.organisation_may_file(organisation),
        "validated_iban": masked_iban(organisation.iban) if organisation.iban else "",
        "bank_changes": changes,
        "pending_change": pending,
        "bank_form": BankChangeForm() if _may_change_bank(principal, current, pending) else None,
    }


def _may_change_bank(principal, current, pending) -> bool:
    return (current is not None and current.state == EnrolmentState.VALIDATED and pending is None
            and principal.member_role == MemberRole.ADMINISTRATOR)  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER, members=(MemberRole.ADMINISTRATOR,))
@require_POST
def bank_change(request):
    form = BankChangeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.file_bank_change(request.principal, form.cleaned_data["iban"], form.cleaned_data["bic"],
                                     form.cleaned_data["rib"])  # fmt: skip
        except Refused as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, "Nouvelles coordonnées bancaires transmises à l'ASP : les paiements restent "
                                      "sur le compte validé jusqu'à leur validation.")  # fmt: skip
            return redirect("portal:enrolment")
    current = Enrolment.objects.filter(organisation=request.principal.organisation).first()
    context = _supplier_context(request.principal, current)
    context.update({"form": None, "completing": False, "bank_form": form})
    return render(request, "portal/enrolment/supplier.html", context, status=400)


# --- ASP instructors ---------------------------------------------------------------------------------------


@role_required(*ASP)
def queue(request):
    state = request.GET.get("etat", EnrolmentState.FILED)
    enrolments = Enrolment.objects.select_related("organisation", "solution").order_by("filed_on", "pk")
    if state in EnrolmentState.values:
        enrolments = enrolments.filter(state=state)
    page = Paginator(enrolments, 50).get_page(request.GET.get("page"))
    changes = BankChange.objects.filter(state=BankChangeState.FILED).select_related("organisation")[:100]
    return render(request, "portal/enrolment/queue.html", {
        "page": page, "states": EnrolmentState.choices, "state": state, "bank_changes": changes,
        "query": f"etat={state}",
    })  # fmt: skip


@role_required(*ASP)
def detail(request, enrolment_id: int):
    enrolment = get_object_or_404(Enrolment.objects.select_related("organisation", "solution__publisher"),
                                  pk=enrolment_id)  # fmt: skip
    can_decide = request.principal.holds(Role.ASP_INSTRUCTOR)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("Décision réservée aux instructeurs de l'ASP.")
        decision = request.POST.get("decision", "")
        if decision in DECISIONS and form.is_valid():
            try:
                DECISIONS[decision](request.principal, enrolment, form.cleaned_data["message"])
            except Refused as refusal:
                add_refusal(form, refusal, {"reason": "message"})
            else:
                messages.success(request, {"validate": "Enrôlement validé.", "reject": "Enrôlement rejeté.",
                                           "request_completion": "Complément demandé."}[decision])  # fmt: skip
                return redirect("portal:enrolment_detail", enrolment.pk)
        elif decision not in DECISIONS:
            form.add_error(None, "Décision inconnue.")
    allowed = {step.name for step in actions.allowed_steps(enrolment, request.principal)}
    organisation = enrolment.organisation
    return render(request, "portal/enrolment/detail.html", {
        "enrolment": enrolment, "organisation": organisation, "form": form,
        "findings": finding_rows(enrolment.findings),
        "pieces": enrolment.pieces.all(), "history": enrolment.transitions.select_related("bank_change"),
        "can_decide": can_decide and bool(allowed & set(DECISIONS)), "can_decide_bank": can_decide,
        "validated_iban": organisation.iban, "filed_iban": enrolment.iban,
        "bank_changes": BankChange.objects.filter(organisation=organisation).prefetch_related("pieces"),
        "members": organisation.members.select_related("user").order_by("pk"),
    }, status=400 if form.errors else 200)  # fmt: skip


@role_required(Role.ASP_INSTRUCTOR)
@require_POST
def decide_bank_change(request, change_id: int):
    change = get_object_or_404(BankChange, pk=change_id)
    accept = request.POST.get("decision") == "validate"
    try:
        actions.decide_bank_change(request.principal, change, accept, request.POST.get("message", "").strip())
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, "Coordonnées bancaires validées." if accept else "Coordonnées bancaires rejetées."
        )
    return redirect("portal:enrolment_detail", change.organisation.enrolment.pk)


@role_required(Role.SUPPLIER_MEMBER, *ASP)
def piece(request, piece_id: int):
    """A piece, to its organisation's members and the ASP's agents only (others: 404)."""
    found = get_object_or_404(EnrolmentPiece, pk=piece_id)
    if request.principal.is_supplier and found.organisation_id != request.principal.organisation_id:
        raise Http404
    name = re.sub(r"[^\w.-]+", "_", found.name).strip("._")[:100] or "piece"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    try:
        with found.file.open("rb") as handle:  # 10 MB at most
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

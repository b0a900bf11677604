"""The dossier page, shared by its supplier and the staff: findings, rule-by-rule explanation with AF sections,
amounts, deadlines, documents, history and messages; the actions open to the viewer's role in this state.
A supplier reaching another supplier's dossier gets a 404 (the queryset is scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from sons.documents.http import pdf_response, stored_document_response
from sons.documents.render import FILE_NAMES, MODEL_KINDS
from sons.documents.render import render as render_model
from sons.documents.store import store_uploaded_file
from sons.dossiers import actions, evaluations
from sons.dossiers.deadlines import deadlines_of
from sons.dossiers.enums import DocumentCheck, DocumentKind
from sons.dossiers.scoping import dossier_or_404
from sons.dossiers.workflow import STEPS, allowed_steps
from sons.errors import Refused
from sons.recoveries.actions import declare_incapacity
from sons.rules.codes import DECISIONS, REQUESTS
from sons.rules.explain import DEADLINE_LABELS
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role

from ..access import role_required
from ..forms import BalanceForm, DocumentForm, MessageForm
from ..presenters import finding_rows, trace_rows

EVERYONE = (Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT)


def amounts(dossier) -> list[tuple[str, str]]:
    rows = [("Plafond", dossier.cap), ("Montant financé", dossier.financed), ("Avance (40 %)", dossier.advance_amount),
            ("Solde", dossier.balance_amount), ("Avance versée", dossier.paid_advance),
            ("Solde versé", dossier.paid_balance), ("Reversé", dossier.recovered)]  # fmt: skip
    return [(label, euros_fr(value) if value is not None else "—") for label, value in rows]


@role_required(*EVERYONE)
def detail(request, dossier_id: int):
    principal = request.principal
    dossier = dossier_or_404(principal, dossier_id)
    supplier = principal.is_supplier
    steps = {
        step.name for step in allowed_steps(dossier, principal)
    }  # the workflow's table says what is open
    deadlines = deadlines_of(dossier)
    following = deadlines.get("next")
    history = list(dossier.transitions.order_by("at", "pk"))
    for transition in history:
        transition.step_label = STEPS[transition.name].label if transition.name in STEPS else transition.name
    documents = list(dossier.documents.order_by("-at"))
    for document in documents:
        document.finding_rows = finding_rows(getattr(document, "findings", None) or [])
    decided = evaluations.last(dossier)  # what was decided, never a recomputation
    context = {
        "dossier": dossier,
        "evaluation": decided,
        "decision_label": DECISIONS.label(decided.decision) if decided else "non évalué",
        "request_label": REQUESTS.label(decided.request).lower() if decided else "",
        "findings": finding_rows([*(decided.findings if decided else []), *dossier.directory_alerts]),
        "trace": trace_rows(decided.trace if decided else []),
        "amounts": amounts(dossier),
        "deadlines": [{"label": DEADLINE_LABELS.get(k, k), "date": v} for k, v in deadlines.items() if k != "next"],
        "next_deadline": {"label": DEADLINE_LABELS.get(following["name"], following["name"]),
                          "date": following["date"]} if following else None,
        "history": history,
        "messages_list": list(dossier.messages.order_by("at", "pk")),
        "documents": documents,
        "can_file": "file_advance" in steps,
        "can_answer": bool(steps & {"complete_advance", "complete_balance"}),
        "can_file_balance": "file_balance" in steps,
        "can_attest": "attest_end_of_service" in steps and not dossier.end_of_service_attested_on,
        "can_declare_incapacity": "declare_incapacity" in steps,
        "can_upload": supplier,
        "can_decide": bool(steps & {"validate_advance", "validate_balance"}),
        "message_form": MessageForm(),
        "balance_form": BalanceForm(),
        "document_form": DocumentForm(kinds=DocumentKind.choices),
        "model_kinds": [("order", "Bon de commande"), ("va", "Vérification d'aptitude"),
                        ("invoice", "Facture"), ("end-of-service", "Attestation de fin de Prestation")],
    }  # fmt: skip
    return render(request, "portal/dossier/detail.html", context)


def _act(request, dossier_id: int, act, success: str):
    dossier = dossier_or_404(request.principal, dossier_id)
    try:
        act(dossier)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect("portal:dossier", dossier_id=dossier_id)


def _message(request) -> str | None:
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Un message est obligatoire.")
        return None
    return form.cleaned_data["message"]


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def file_advance(request, dossier_id: int):
    return _act(request, dossier_id, lambda d: actions.file_advance(request.principal, d),
                "Demande d'avance déposée.")  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def answer(request, dossier_id: int):
    dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    text = _message(request)
    if text is None:
        return redirect("portal:dossier", dossier_id=dossier_id)
    changes = {}
    corrections = {key: request.POST[key] for key in ("signed_on", "issued_on") if request.POST.get(key)}
    for key in ("mention_state_funded", "mention_conditional_referencing", "in_client_name"):
        if request.POST.get(key):
            corrections[key] = request.POST[key] == "true"
    if request.POST.get("amount"):
        corrections["lines"] = [
            {"label": "Prestation Ségur", "amount": request.POST["amount"].replace(",", ".")}
        ]

    def act(dossier):
        if corrections:
            changes["order"] = corrections
        actions.complete(request.principal, dossier, changes, text)

    return _act(request, dossier_id, act, "Réponse envoyée : les règles ont été réévaluées.")


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def file_balance(request, dossier_id: int):
    dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    form = BalanceForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Formulaire"
            messages.error(request, f"{label} : {' '.join(errors)}")
        return redirect("portal:dossier", dossier_id=dossier_id)

    return _act(request, dossier_id, lambda d: actions.file_balance(request.principal, d, form.payload()),
                "Demande de solde déposée.")  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def attest(request, dossier_id: int):
    return _act(request, dossier_id, lambda d: actions.attest_end_of_service(request.principal, d),
                "Attestation de fin de Prestation enregistrée.")  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def incapacity(request, dossier_id: int):
    dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    text = _message(request)
    if text is None:
        return redirect("portal:dossier", dossier_id=dossier_id)
    return _act(request, dossier_id, lambda d: declare_incapacity(request.principal, d, text),
                "Incapacité déclarée.")  # fmt: skip


@role_required(Role.ASP_INSTRUCTOR)
@require_POST
def decide(request, dossier_id: int):
    dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    decision = request.POST.get("decision")
    if decision not in actions.DECISIONS:
        messages.error(request, "Décision inconnue.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    text = request.POST.get("message", "").strip()
    if decision != "validate" and not text:
        messages.error(request, "Un message est obligatoire pour rejeter ou demander un complément.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    labels = {"validate": "Demande validée.", "reject": "Demande rejetée.",
              "request_completion": "Complément demandé au fournisseur."}  # fmt: skip
    return _act(request, dossier_id, lambda d: actions.DECISIONS[decision](request.principal, d, text),
                labels[decision])  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER)
@require_POST
def upload(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    form = DocumentForm(request.POST, request.FILES, kinds=DocumentKind.choices)
    if not form.is_valid():
        messages.error(request, "Pièce : choisissez un type et un fichier PDF.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    file = form.cleaned_data["file"]
    try:
        document = store_uploaded_file(dossier, form.cleaned_data["kind"], file, request.principal.label)
    except Refused as refused:
        messages.error(request, f"Fichier : {refused.message}")
        return redirect("portal:dossier", dossier_id=dossier_id)
    if document.check_state == DocumentCheck.PENDING:
        messages.success(
            request, f"Pièce « {document.name} » jointe au dossier ; son contrôle automatique est en cours."
        )
        return redirect("portal:dossier", dossier_id=dossier_id)
    messages.success(request, f"Pièce « {document.name} » jointe au dossier.")
    return redirect("portal:dossier", dossier_id=dossier_id)


@role_required(*EVERYONE)
def model(request, dossier_id: int, kind: str):
    """A model to sign, pre-filled from the dossier, with every mandatory mention of the AF."""
    dossier = dossier_or_404(request.principal, dossier_id)
    if kind not in MODEL_KINDS:
        raise Http404("Modèle inconnu")
    try:
        content = render_model(kind, dossier)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("portal:dossier", dossier_id=dossier_id)
    return pdf_response(content, f"{FILE_NAMES[kind]}-dossier-{dossier.pk}.pdf")


@role_required(*EVERYONE)
def document(request, dossier_id: int, document_id: int):
    """A stored piece, served only to those who may see the dossier (never from the web root)."""
    dossier = dossier_or_404(request.principal, dossier_id)
    response = stored_document_response(get_object_or_404(dossier.documents, pk=document_id))
    if response is None:
        raise Http404("Fichier introuvable dans le stockage des pièces.")
    return response


@role_required(*EVERYONE)
def reevaluation(request, dossier_id: int):
    """What the rules would decide today (a directory change, a referencing decision…), beside what they decided;
    nothing is stored."""
    dossier = dossier_or_404(request.principal, dossier_id)
    comparison = evaluations.what_would_change(dossier)
    stored, today = comparison.stored, comparison.today
    return render(request, "portal/dossier/reevaluation.html", {
        "dossier": dossier, "comparison": comparison,
        "decisions": (DECISIONS.label(stored.decision) if stored else "non évalué", DECISIONS.label(today.decision)),
        "amounts": [(label, (stored.amounts if stored else {}).get(key), today.amounts.get(key))
                    for key, label in AMOUNT_LABELS],
        "appeared": finding_rows(comparison.appeared), "gone": finding_rows(comparison.gone),
        "changed": [(then, now) for then, now in zip(trace_rows([t for t, _ in comparison.changed_rules]),
                                                       trace_rows([n for _, n in comparison.changed_rules]), strict=True)],
    })  # fmt: skip


AMOUNT_LABELS = (
    ("cap", "Plafond"),
    ("financed", "Montant financé"),
    ("advance", "Avance"),
    ("balance", "Solde"),
)

urlpatterns = [
    path("dossiers/<int:dossier_id>/reevaluation/", reevaluation, name="dossier_reevaluation"),
    path("dossiers/<int:dossier_id>/modeles/<str:kind>.pdf", model, name="dossier_model"),
    path("dossiers/<int:dossier_id>/pieces/<int:document_id>/", document, name="dossier_document"),
    path("dossiers/<int:dossier_id>/", detail, name="dossier"),
    path("dossiers/<int:dossier_id>/deposer/", file_advance, name="dossier_file"),
    path("dossiers/<int:dossier_id>/repondre/", answer, name="dossier_answer"),
    path("dossiers/<int:dossier_id>/solde/", file_balance, name="dossier_balance"),
    path("dossiers/<int:dossier_id>/attestation/", attest, name="dossier_attest"),
    path("dossiers/<int:dossier_id>/incapacite/", incapacity, name="dossier_incapacity"),
    path("dossiers/<int:dossier_id>/decision/", decide, name="dossier_decide"),
    path("dossiers/<int:dossier_id>/pieces/", upload, name="dossier_upload"),
]

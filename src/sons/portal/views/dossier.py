"""The dossier page, shared by its supplier and the staff: findings, rule-by-rule explanation with AF sections,
amounts, deadlines, documents, history and messages; the actions open to the viewer's role in this state.
A supplier reaching another supplier's dossier gets a 404 (the queryset is scoped)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.documents.http import pdf_response, stored_document_response
from sons.documents.render import FILE_NAMES, MODEL_KINDS
from sons.documents.render import render as render_model
from sons.documents.store import store_uploaded_file
from sons.dossiers import actions, evaluations, reading
from sons.dossiers.enums import DocumentCheck, DocumentKind
from sons.dossiers.scoping import dossier_or_404
from sons.errors import Refused
from sons.recoveries.actions import declare_incapacity
from sons.rules.codes import DECISIONS
from sons.suppliers.enums import Role

from ..access import FILERS, role_required
from ..forms import BalanceForm, DocumentForm, MessageForm
from ..presenters import finding_rows, trace_rows
from .thread import thread_context

EVERYONE = (Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT)


@role_required(*EVERYONE)
def detail(request, dossier_id: int):
    page = reading.dossier_page(dossier_or_404(request.principal, dossier_id), request.principal)
    dossier, steps = page.dossier, page.steps
    for document in page.documents:
        document.finding_rows = finding_rows(document.findings or [])
    return render(request, "portal/dossier/detail.html", {
        "page": page, "dossier": dossier, "findings": finding_rows(page.findings), "trace": trace_rows(page.trace),
        "amounts": {"cap": dossier.cap, "financed": dossier.financed, "advance": dossier.advance_amount,
                    "balance": dossier.balance_amount},
        "paid": {"advance": dossier.paid_advance, "balance": dossier.paid_balance, "recovered": dossier.recovered},
        "can_file": "file_advance" in steps,
        "can_answer": bool(steps & {"complete_advance", "complete_balance"}),
        "can_file_balance": "file_balance" in steps,
        "can_attest": "attest_end_of_service" in steps and not dossier.end_of_service_attested_on,
        "can_declare_incapacity": "declare_incapacity" in steps,
        "can_upload": request.principal.is_supplier,
        "can_decide": bool(steps & {"validate_advance", "validate_balance"}),
        "message_form": MessageForm(), "balance_form": BalanceForm(),
        "document_form": DocumentForm(kinds=DocumentKind.choices), "model_kinds": MODEL_LABELS,
        **thread_context(dossier, request.principal),  # the thread, its open completion request, notes
    })  # fmt: skip


MODEL_LABELS = [("order", "Bon de commande"), ("va", "Vérification d'aptitude"), ("invoice", "Facture"),
                ("end-of-service", "Attestation de fin de Prestation")]  # fmt: skip


def _act(request, dossier_id: int, act, success: str, *, message: bool = False):
    """One step on the dossier the viewer may see (another's is a 404 first): `act(dossier, text)`, its refusal
    or `success` said on the dossier's page. With `message`, the form's message is required."""
    dossier = dossier_or_404(request.principal, dossier_id)
    text = ""
    if message:
        form = MessageForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Un message est obligatoire.")
            return redirect("portal:dossier", dossier_id=dossier_id)
        text = form.cleaned_data["message"]
    try:
        act(dossier, text)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect("portal:dossier", dossier_id=dossier_id)


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def file_advance(request, dossier_id: int):
    return _act(request, dossier_id, lambda d, _: actions.file_advance(request.principal, d),
                "Demande d'avance déposée.")  # fmt: skip


def corrections(post) -> dict:
    """The order's corrections the answer form carries (empty fields: unchanged)."""
    order = {key: post[key] for key in ("signed_on", "issued_on") if post.get(key)}
    for key in ("mention_state_funded", "mention_conditional_referencing", "in_client_name"):
        if post.get(key):
            order[key] = post[key] == "true"
    if post.get("amount"):
        order["lines"] = [{"label": "Prestation Ségur", "amount": post["amount"].replace(",", ".")}]
    return {"order": order} if order else {}


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def answer(request, dossier_id: int):
    changes = corrections(request.POST)
    return _act(request, dossier_id, lambda d, text: actions.complete(request.principal, d, changes, text),
                "Réponse envoyée : les règles ont été réévaluées.", message=True)  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def file_balance(request, dossier_id: int):
    dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    form = BalanceForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Formulaire"
            messages.error(request, f"{label} : {' '.join(errors)}")
        return redirect("portal:dossier", dossier_id=dossier_id)
    return _act(request, dossier_id, lambda d, _: actions.file_balance(request.principal, d, form.payload()),
                "Demande de solde déposée.")  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def attest(request, dossier_id: int):
    return _act(request, dossier_id, lambda d, _: actions.attest_end_of_service(request.principal, d),
                "Attestation de fin de Prestation enregistrée.")  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def incapacity(request, dossier_id: int):
    return _act(request, dossier_id, lambda d, text: declare_incapacity(request.principal, d, text),
                "Incapacité déclarée.", message=True)  # fmt: skip


DECIDED = {"validate": "Demande validée.", "reject": "Demande rejetée.",
           "request_completion": "Complément demandé au fournisseur."}  # fmt: skip


@role_required(Role.ASP_INSTRUCTOR)
@require_POST
def decide(request, dossier_id: int):
    dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    decision = request.POST.get("decision")
    text = request.POST.get("message", "").strip()
    if decision not in actions.DECISIONS:
        messages.error(request, "Décision inconnue.")
    elif decision != "validate" and not text:
        messages.error(request, "Un message est obligatoire pour rejeter ou demander un complément.")
    else:
        return _act(request, dossier_id, lambda d, _: actions.DECISIONS[decision](request.principal, d, text),
                    DECIDED[decision])  # fmt: skip
    return redirect("portal:dossier", dossier_id=dossier_id)


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
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

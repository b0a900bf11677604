"""The dossier page, shared by its supplier and the staff: findings, rule-by-rule explanation with AF sections,
amounts, deadlines, documents, history and messages; the actions open to the viewer's role in this state.
A supplier reaching another supplier's dossier gets a 404 (the queryset is scoped)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sons.documents import notices
from sons.documents.http import pdf_response, stored_document_response
from sons.documents.render import FILE_NAMES, LETTER_KINDS, MODEL_KINDS, render_letter
from sons.documents.render import render as render_model
from sons.documents.store import store_uploaded_file
from sons.dossiers import actions, evaluations, pieces, reading
from sons.dossiers.enums import DocumentCheck, DocumentKind
from sons.dossiers.enums import DossierState as S
from sons.dossiers.scoping import dossier_or_404
from sons.errors import Refused
from sons.recoveries.actions import declare_incapacity
from sons.recoveries.models import RecoveryCase
from sons.rules import NOT_ADMISSIBLE, load_parameters
from sons.rules.codes import DECISIONS
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role

from ..access import FILERS, role_required
from ..forms import BalanceForm, DocumentForm, DossierForm
from ..forms_decisions import AnswerForm
from ..presenters import finding_rows, trace_rows
from .confirm import Panel, show
from .supplier import versions
from .thread import thread_context

EVERYONE = (Role.SUPPLIER_MEMBER, Role.ASP_INSTRUCTOR, Role.ASP_PAYING_AGENT, Role.ANS_AGENT)


@role_required(*EVERYONE)
def detail(request, dossier_id: int):
    return dossier_page(request, dossier_or_404(request.principal, dossier_id))


def dossier_page(
    request, dossier, *, document_form=None, balance_form=None, answer_form=None, status: int = 200
):
    """The dossier's page; `document_form`, `balance_form`, `answer_form`: a form as posted, its input and its
    errors kept."""
    page = reading.dossier_page(dossier, request.principal)
    dossier, steps = page.dossier, page.steps
    for document in page.documents:
        document.finding_rows = finding_rows(document.findings or [])
    missing = pieces.missing_under_instruction(dossier, page.documents)  # what stops the validation
    return render(request, "portal/dossier/detail.html", {
        "page": page, "dossier": dossier, "findings": finding_rows(page.findings), "trace": trace_rows(page.trace),
        "amounts": {"cap": dossier.cap, "financed": dossier.financed, "advance": dossier.advance_amount,
                    "balance": dossier.balance_amount},
        "paid": {"advance": dossier.paid_advance, "balance": dossier.paid_balance, "recovered": dossier.recovered},
        "can_file": "file_advance" in steps,
        "can_edit": "correct_draft" in steps and request.principal.may_file,
        "can_delete": "cancel_draft" in steps and request.principal.may_file,
        "balance_pieces": pieces.checklist(dossier, "balance", page.documents) if "file_balance" in steps else [],
        "can_answer": bool(steps & {"complete_advance", "complete_balance"}),
        "can_file_balance": "file_balance" in steps,
        "can_attest": "attest_end_of_service" in steps and not dossier.end_of_service_attested_on,
        "can_declare_incapacity": "declare_incapacity" in steps,
        "can_upload": request.principal.is_supplier,
        "can_decide": bool(steps & {"validate_advance", "validate_balance"}),
        "missing_pieces": missing, "missing_advice": missing_advice(dossier, request.principal) if missing else "",
        "answer_form": answer_form or AnswerForm(), "balance_form": balance_form or BalanceForm(),
        "document_form": document_form or DocumentForm(kinds=DocumentKind.choices), "model_kinds": MODEL_LABELS,
        "receipts": [(RECEIPT_CODES[req], notices.REQUESTS[req], notices.reception_date(dossier, req))
                     for req, _ in notices.filed_requests(dossier)],
        "decisions": notices.decisions_of(dossier), "appeals": (notices.APPEALS_TITLE, notices.APPEALS),
        "client": reading.client_labels([dossier])[dossier.client_key], "recovery": recovery_of(dossier),
        **thread_context(dossier, request.principal),  # the thread, its open completion request, notes
    }, status=status)  # fmt: skip


def missing_advice(dossier, principal) -> str:
    """What the viewer does about the pieces the request under instruction lacks (§6.2: « l'ASP notifie le
    Fournisseur […] en l'invitant à modifier ou à compléter sa demande »)."""
    if principal.is_supplier:
        return ("L'ASP ne peut pas valider la demande sans cette pièce : joignez-la au dossier (rubrique « Pièces » "
                "ci-dessous).")  # fmt: skip
    if dossier.state in (S.ADVANCE_TO_COMPLETE, S.BALANCE_TO_COMPLETE):
        return "La demande ne pourra être validée qu'une fois la pièce jointe par le Fournisseur."
    if not principal.holds(Role.ASP_INSTRUCTOR):  # a paying agent, an ANS agent: the instructor asks
        return "La demande ne peut pas être validée sans cette pièce."
    return "La demande ne peut pas être validée sans cette pièce : demandez un complément au Fournisseur."


def recovery_of(dossier) -> dict | None:
    """The dossier's recovery (§7): its ground, amount, what was repaid, its steps' dates, the supplier's delay to
    remedy or to observe after the formal notice, and its letters."""
    case = RecoveryCase.objects.filter(dossier=dossier).first()
    if case is None:
        return None
    delay = load_parameters().at(case.opened_on).formal_notice_days
    letters = [(kind, label) for kind, label, day in (("formal-notice", "Mise en demeure", case.formal_notice_sent_on),
               ("repayment-order", "Ordre de reversement", case.repayment_ordered_on)) if day]  # fmt: skip
    return {
        "case": case, "remaining": max(case.amount - dossier.recovered, 0), "delay": delay,
        "answer_until": case.formal_notice_sent_on + timedelta(days=delay) if case.formal_notice_sent_on else None,
        "letters": letters,
    }  # fmt: skip


@role_required(*EVERYONE)
def recovery_letter(request, dossier_id: int, kind: str):
    """A letter of the dossier's recovery (§7), for whoever may see the dossier: its supplier is its addressee."""
    dossier = dossier_or_404(request.principal, dossier_id)
    case = get_object_or_404(RecoveryCase, dossier=dossier)
    if kind not in LETTER_KINDS:
        raise Http404("Courrier inconnu")
    try:
        content = render_letter(kind, case)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("portal:dossier", dossier_id=dossier_id)
    return pdf_response(content, f"{FILE_NAMES[kind]}-dossier-{dossier.pk}.pdf")


RECEIPT_CODES = {"advance": "avance", "balance": "solde"}


@role_required(*EVERYONE)
def receipt(request, dossier_id: int, kind: str):
    """The accusé de dépôt of a request filed: its reception date (its legal date, §2) and the pieces received."""
    dossier = dossier_or_404(request.principal, dossier_id)
    codes = {code: req for req, code in RECEIPT_CODES.items()}
    if kind not in codes:
        raise Http404("Demande inconnue")
    try:
        content = notices.render_receipt(dossier, codes[kind])
    except Refused:
        raise Http404("Aucune demande déposée de cette nature") from None
    return pdf_response(content, f"accuse-de-depot-{kind}-dossier-{dossier.pk}.pdf")


@role_required(*EVERYONE)
def decision_letter(request, dossier_id: int, transition_id: int):
    """The lettre de décision of one of the dossier's decisions."""
    dossier = dossier_or_404(request.principal, dossier_id)
    try:
        content = notices.render_decision(dossier, transition_id)
    except Refused:
        raise Http404("Aucune décision de ce numéro sur ce dossier") from None
    return pdf_response(content, f"lettre-de-decision-{transition_id}-dossier-{dossier.pk}.pdf")


MODEL_LABELS = [("order", "Bon de commande"), ("va", "Vérification d'aptitude"), ("invoice", "Facture"),
                ("end-of-service", "Attestation de fin de Prestation")]  # fmt: skip


def _act(request, dossier_id: int, act, success: str):
    """One step on the dossier the viewer may see (another's is a 404 first): `act(dossier)`, its refusal or
    `success` said on the dossier's page."""
    dossier = dossier_or_404(request.principal, dossier_id)
    try:
        act(dossier)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect("portal:dossier", dossier_id=dossier_id)


def blocking(dossier) -> bool:
    """The rules found the request « Non recevable », or one of their findings blocks it."""
    return dossier.decision == NOT_ADMISSIBLE or any(
        f.get("severity") == "blocking" for f in dossier.findings
    )


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
def file_advance(request, dossier_id: int):
    """The filing's recap (findings, amounts, the pieces §6.2 requires), then the filing. A draft the rules
    find « Non recevable » is filed only once the supplier ticks that it files it all the same."""
    dossier = dossier_or_404(request.principal, dossier_id)
    if dossier.state != S.DRAFT:
        messages.error(request, "Seul un brouillon peut être déposé.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    blocked = blocking(dossier)
    error = ""
    if request.method == "POST":
        if blocked and request.POST.get("confirm_blocking") != "on":
            error = ("Confirmation : cochez la case pour déposer une demande que les règles jugent non recevable, "
                     "ou corrigez le brouillon.")  # fmt: skip
        else:
            try:
                actions.file_advance(request.principal, dossier)
            except Refused as refused:
                error = refused.message
            else:
                messages.success(request, "Demande d'avance déposée : l'accusé de dépôt est disponible.")
                return redirect("portal:dossier", dossier_id=dossier_id)
    checklist = pieces.checklist(dossier, "advance")
    return render(request, "portal/dossier/file.html", {
        "dossier": dossier, "findings": finding_rows([*dossier.findings, *dossier.directory_alerts]),
        "decision_label": DECISIONS.label(dossier.decision) if dossier.decision else "non évalué",
        "amounts": {"cap": dossier.cap, "financed": dossier.financed, "advance": dossier.advance_amount,
                    "balance": dossier.balance_amount},
        "form_label": pieces.FORMS["advance"], "pieces": checklist,
        "complete": all(row.present for row in checklist), "blocking": blocked, "error": error,
        "document_form": DocumentForm(initial={"kind": DocumentKind.ORDER}, kinds=DocumentKind.choices),
    }, status=400 if error else 200)  # fmt: skip


def draft_initial(dossier) -> dict:
    """The draft's declaration as the new-dossier form's fields."""
    declared = dossier.declared
    client, order = declared["client"], declared["order"]
    lines = order.get("lines") or []
    return {
        "rpps": client.get("rpps") or "", "finess_geo": client.get("finess_geo") or "",
        "solution_version": declared["solution_version_id"], "issued_on": order.get("issued_on"),
        "signed_on": order.get("signed_on"), "signature": order.get("signature"),
        "amount": lines[0]["amount"] if lines else None, "vat_rate": order.get("vat_rate") or "0",
        "in_client_name": bool(order.get("in_client_name")),
        "mention_state_funded": bool(order.get("mention_state_funded")),
        "mention_conditional_referencing": bool(order.get("mention_conditional_referencing")),
        "centre_certificate_commitment": bool(order.get("centre_certificate_commitment")),
        "de_minimis_other_aid": client.get("de_minimis_other_aid"),
    }  # fmt: skip


def draft_patch(payload: dict) -> dict:
    """The form's declaration as a merge patch of the draft's: the client's other identifier removed, the rest
    (the supplier's reference, the order's other fields) kept."""
    client = {"rpps": None, "finess_geo": None, **payload["client"]}
    return {**payload, "client": client}


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
def edit_draft(request, dossier_id: int):
    """Correct a draft (sons.dossiers.actions.correct_draft): the rules evaluate it again."""
    dossier = dossier_or_404(request.principal, dossier_id)
    if dossier.state != S.DRAFT:
        messages.error(request, "Seul un brouillon peut être modifié.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    available = list(versions())
    if request.method == "POST":
        form = DossierForm(request.POST, versions=available)
        if form.is_valid():
            try:
                actions.correct_draft(request.principal, dossier, draft_patch(form.payload()), partial=True)
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, "Brouillon modifié : les règles l'ont évalué de nouveau.")
                return redirect("portal:dossier", dossier_id=dossier_id)
    else:
        form = DossierForm(initial=draft_initial(dossier), versions=available)
    return render(request, "portal/supplier/new.html", {"form": form, "editing": dossier})


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
def delete_draft(request, dossier_id: int):
    """Delete a draft, after confirmation: it is abandoned (kept with its history) and names no client any more."""
    dossier = dossier_or_404(request.principal, dossier_id)
    if dossier.state != S.DRAFT:
        messages.error(request, "Seul un brouillon peut être supprimé.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    if request.method == "POST":
        try:
            actions.cancel_draft(request.principal, dossier, "Brouillon supprimé par le Fournisseur.")
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect("portal:dossier", dossier_id=dossier_id)
        messages.success(request, f"Brouillon n° {dossier.pk} supprimé.")
        return redirect("portal:supplier_dossiers")
    return render(request, "portal/dossier/delete.html", {"dossier": dossier})


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
    """The answer to a completion request; refused, the page comes back with the input kept and the errors tied."""
    dossier = dossier_or_404(request.principal, dossier_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.complete(
                request.principal, dossier, corrections(request.POST), form.cleaned_data["message"]
            )
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Réponse envoyée : les règles ont été réévaluées.")
            return redirect("portal:dossier", dossier_id=dossier_id)
    return dossier_page(request, dossier, answer_form=form, status=400)


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def file_balance(request, dossier_id: int):
    """The balance request; refused, the page comes back with the input kept and each error beside its field."""
    dossier = dossier_or_404(request.principal, dossier_id)  # another supplier's dossier: 404 before anything
    form = BalanceForm(request.POST)
    if form.is_valid():
        try:
            actions.file_balance(request.principal, dossier, form.payload())
        except Refused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Demande de solde déposée : l'accusé de dépôt est disponible.")
            return redirect("portal:dossier", dossier_id=dossier_id)
    return dossier_page(request, dossier, balance_form=form, status=400)


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def attest(request, dossier_id: int):
    return _act(request, dossier_id, lambda d: actions.attest_end_of_service(request.principal, d),
                "Attestation de fin de Prestation enregistrée.")  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
def incapacity(request, dossier_id: int):
    """The declaration of incapacity (§4.4), after its panel: what it does (a recovery of what was paid, or the
    dossier abandoned), the motive required."""
    dossier = dossier_or_404(request.principal, dossier_id)
    paid = dossier.paid_advance + dossier.paid_balance
    consequence = (
        f"Le dossier passe en recouvrement : les {euros_fr(paid)} déjà versés sont à reverser à l'ASP, après "
        "mise en demeure (AF §7)."
        if paid
        else "Rien n'a été versé : le dossier est abandonné et son Client peut faire l'objet d'un autre dossier."
    )
    panel = Panel(
        title=f"Déclarer l'incapacité à réaliser la Prestation — dossier n° {dossier.pk}",
        button="Confirmer la déclaration d'incapacité", action=reverse("portal:dossier_incapacity", args=[dossier.pk]),
        back_url=reverse("portal:dossier", args=[dossier.pk]), back_label="Le dossier",
        impact=["Vous déclarez ne pas pouvoir réaliser la Prestation Ségur (AF §4.4).", consequence],
        motive_label="Motif de l'incapacité (obligatoire)",
    )  # fmt: skip
    return decision_panel(request, dossier, panel, lambda d, text: declare_incapacity(request.principal, d, text),
                          "Incapacité déclarée.")  # fmt: skip


def decision_panel(request, dossier, panel: Panel, act, success: str):
    """GET: the panel. POST: the motive checked, then `act(dossier, motive)`; its refusal on the panel."""
    if request.method != "POST":
        return show(request, panel)
    form = panel.form(request.POST)
    if not form.is_valid():
        return show(request, panel, form, status=400)
    try:
        act(dossier, form.text)
    except Refused as refused:
        return show(request, panel, form, refusal=refused.message, status=409)
    messages.success(request, success)
    return redirect("portal:dossier", dossier_id=dossier.pk)


DECIDED = {"validate": "Demande validée.", "reject": "Demande rejetée.",
           "request_completion": "Complément demandé au fournisseur."}  # fmt: skip
LETTER = (
    "Une lettre de décision est établie et affichée en tête du dossier, avec les voies et délais de recours."
)


def decision_of(dossier, decision: str) -> Panel:
    """The panel of an instructor's `decision` on the request filed (advance or balance). A piece the AF requires
    missing (§6.2, §6.4), the validation's button is disabled and the completion request offered instead."""
    balance = dossier.state == S.BALANCE_FILED
    request_label = "demande de solde" if balance else "demande d'avance"
    amount = dossier.balance_amount if balance else dossier.advance_amount
    missing = pieces.missing_under_instruction(dossier)
    common = {"action": reverse("portal:dossier_decide", args=[dossier.pk]),
              "back_url": reverse("portal:dossier", args=[dossier.pk]), "back_label": "Le dossier",
              "hidden": {"decision": decision},
              "findings": finding_rows([*dossier.findings, *dossier.directory_alerts]), "missing_pieces": missing}  # fmt: skip
    if decision == "validate":
        blocked = {}
        if missing:
            blocked = {"disabled": True, "missing_advice": "Validation impossible tant qu'une pièce obligatoire "
                       "manque : demandez un complément au Fournisseur.",
                       "alternative": ("Demander un complément…", reverse("portal:dossier_decide", args=[dossier.pk])
                                       + "?decision=request_completion")}  # fmt: skip
        return Panel(
            title=f"Valider la {request_label} — dossier n° {dossier.pk}", button=f"Valider la {request_label}",
            impact=[f"La {request_label} est validée : {euros_fr(amount)} seront mis en paiement au prochain lot.",
                    "Les règles sont réévaluées au jour de la validation ; un constat bloquant ou une pièce "
                    "obligatoire manquante l'empêche.", LETTER],
            motive_label="Message au Fournisseur (facultatif)", motive_required=False, **blocked, **common,
        )  # fmt: skip
    if decision == "reject":
        return Panel(
            title=f"Rejeter la {request_label} — dossier n° {dossier.pk}", button=f"Rejeter la {request_label}",
            impact=[f"La {request_label} est rejetée.", LETTER],
            motive_label="Motifs du rejet (obligatoire), avec les sections de l'AF",
            motive_help="Par exemple : « Bon de commande signé avant la Date 0 (AF §4.3). »", **common,
        )  # fmt: skip
    example = (f"Par exemple : « Merci de joindre la pièce manquante : {missing[0].label} (AF §{missing[0].section})"
               ". »" if missing else "")  # fmt: skip
    return Panel(
        title=f"Demander un complément — dossier n° {dossier.pk}", button="Demander le complément",
        impact=[f"La {request_label} passe à l'état « à compléter » : le Fournisseur répond en corrigeant sa "
                "demande ou en joignant les pièces demandées.", LETTER],
        motive_label="Ce que le Fournisseur doit compléter (obligatoire)", motive_help=example, irreversible=False,
        **common,
    )  # fmt: skip


@role_required(Role.ASP_INSTRUCTOR)
def decide(request, dossier_id: int):
    """An instructor's decision, after its panel (the motive required to reject or ask for a completion)."""
    dossier = dossier_or_404(request.principal, dossier_id)
    decision = request.POST.get("decision") if request.method == "POST" else request.GET.get("decision")
    if decision not in actions.DECISIONS:
        messages.error(request, "Décision inconnue : choisissez valider, demander un complément ou rejeter.")
        return redirect("portal:dossier", dossier_id=dossier_id)
    return decision_panel(request, dossier, decision_of(dossier, decision),
                          lambda d, text: actions.DECISIONS[decision](request.principal, d, text),
                          DECIDED[decision])  # fmt: skip


@role_required(Role.SUPPLIER_MEMBER, members=FILERS)
@require_POST
def upload(request, dossier_id: int):
    dossier = dossier_or_404(request.principal, dossier_id)
    form = DocumentForm(request.POST, request.FILES, kinds=DocumentKind.choices)
    if not form.is_valid():  # the page again, the type chosen kept, each error beside its field
        return dossier_page(request, dossier, document_form=form, status=400)
    file = form.cleaned_data["file"]
    try:
        document = store_uploaded_file(dossier, form.cleaned_data["kind"], file, request.principal.label)
    except Refused as refused:
        form.add_error("file", refused.message)
        form.fields["file"].widget.attrs.update(
            {"aria-describedby": "id_file-erreur", "aria-invalid": "true"}
        )
        return dossier_page(request, dossier, document_form=form, status=400)
    checking = (
        " ; son contrôle automatique est en cours" if document.check_state == DocumentCheck.PENDING else ""
    )
    messages.success(request, f"Pièce « {document.name} » jointe au dossier{checking}.")
    if request.POST.get("retour") == "depot" and dossier.state == S.DRAFT:  # joined from the filing's recap
        return redirect("portal:dossier_file", dossier_id=dossier_id)
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

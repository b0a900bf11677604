"""What the platform itself writes to a supplier, as PDF: the accusé de dépôt of each request filed (its reception
date, which is the request's legal date, AF §2, and the pieces received) and the lettre de décision of each
decision on it (validation; rejection with its reasons and the AF's sections; completion request with what to
complete), each with the « voies et délais de recours » (`APPEALS`, worded here only).

Both are rebuilt from the dossier's history on demand: the same dossier always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from sons.dossiers.enums import DocumentKind
from sons.dossiers.models import Dossier, Evaluation, Transition
from sons.dossiers.pieces import FORMS, SECTIONS
from sons.errors import NotFound
from sons.rules.money import euros_fr

from .context import context_for
from .layout import ModelPdf
from .mentions import fr_date

# The one wording of the means of redress: the dossier's page and every letter print it.
APPEALS_TITLE = "Voies et délais de recours"
APPEALS = (
    "La présente décision peut être contestée dans un délai de deux mois à compter de sa notification : par un "
    "recours gracieux auprès de l'Agence de services et de paiement (ASP), ou par un recours contentieux devant "
    "le tribunal administratif territorialement compétent. Le recours gracieux interrompt le délai du recours "
    "contentieux, qui court de nouveau à compter de la réponse de l'ASP (un silence de deux mois vaut rejet)."
)

REQUESTS = {"advance": "demande de financement et de versement de l'avance",
            "balance": "demande de versement du solde"}  # fmt: skip
FILING_STEPS = {"advance": "file_advance", "balance": "file_balance"}
ASP = "Agence de services et de paiement"

# The decisions a letter is written for: the step → (kind, request).
DECISION_STEPS = {
    "validate_advance": ("validation", "advance"),
    "validate_balance": ("validation", "balance"),
    "reject_advance": ("rejection", "advance"),
    "reject_balance": ("rejection", "balance"),
    "referencing_refused": ("rejection", "advance"),
    "request_advance_completion": ("completion", "advance"),
    "request_balance_completion": ("completion", "balance"),
}
TITLES = {"validation": "Décision de validation", "rejection": "Décision de rejet",
          "completion": "Demande de complément"}  # fmt: skip


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def filing_of(dossier: Dossier, request: str) -> Transition | None:
    """The step that filed `request` (the first: a completion does not file it again)."""
    return dossier.transitions.filter(name=FILING_STEPS[request]).order_by("at", "pk").first()


def filed_requests(dossier: Dossier) -> list[tuple[str, Transition]]:
    return [(request, t) for request in ("advance", "balance") if (t := filing_of(dossier, request))]


def reception_date(dossier: Dossier, request: str):
    """The legal date of the request (§2): the day the ASP received it."""
    return dossier.advance_filed_on if request == "advance" else dossier.balance_filed_on


def amount_at_filing(dossier: Dossier, request: str, filing: Transition) -> Decimal | None:
    """The amount of `request` as the rules computed it at its filing (a later answer may change it)."""
    evaluation = (
        Evaluation.objects.filter(dossier=dossier, step=filing.name, at__lte=filing.at)
        .order_by("-at", "-pk")
        .first()
    )
    value = (evaluation.amounts or {}).get(request) if evaluation else None
    if value is None:
        value = dossier.advance_amount if request == "advance" else dossier.balance_amount
    return Decimal(str(value)) if value is not None else None


def render_receipt(dossier: Dossier, request: str) -> bytes:
    """The accusé de dépôt of `request` ("advance" or "balance"); NotFound if it was never filed."""
    filing = filing_of(dossier, request) if request in FILING_STEPS else None
    received_on = reception_date(dossier, request) if filing else None
    if filing is None or received_on is None:
        raise NotFound("Aucune demande déposée de cette nature : pas d'accusé de dépôt.", "request")
    ctx = context_for(dossier)
    at = local(filing.at)
    pdf = ModelPdf("Accusé de dépôt", f"Dossier SONS n° {dossier.pk}", received_on, ASP)
    pdf.title_block(
        f"{REQUESTS[request].capitalize()} — Ségur numérique, SONS SFP-LGC-Va2 (AF §{SECTIONS[request]})"
    )
    pdf.paragraph(f"L'{ASP} (ASP) accuse réception de la {REQUESTS[request]} suivante.")
    pdf.field("Fournisseur", f"{ctx.supplier_name} — SIREN {ctx.supplier_siren}")
    pdf.field("Client", f"{ctx.client_name} ({ctx.client_identifier})")
    pdf.field("Solution logicielle", ctx.solution_label)
    if dossier.supplier_reference:
        pdf.field("Référence de commande du Fournisseur", dossier.supplier_reference)
    amount = amount_at_filing(dossier, request, filing)
    if amount is not None:
        pdf.field("Montant demandé (évalué au dépôt)", euros_fr(amount))
    pdf.boxed(
        f"Date de réception : {fr_date(received_on)}. Conformément à la Section 2 de l'AF, la demande est réputée "
        "effectuée à la date à laquelle elle a été reçue par l'ASP : cette date est sa date légale."
    )
    pdf.field("Enregistrée le", f"{at:%d/%m/%Y} à {at:%H:%M} (heure de Paris), par {filing.actor_label}")
    pdf.heading("Pièces reçues")
    received = dossier.documents.filter(at__lte=filing.at).order_by("at", "pk")
    lines = [(f"{FORMS[request]}.", True)]
    for document in received:
        lines.append((f"{DocumentKind(document.kind).label} : « {document.name} », déposée le "
                      f"{local(document.at):%d/%m/%Y}, empreinte SHA-256 {document.sha256[:16]}…", True))  # fmt: skip
    pdf.checklist(lines)
    pdf.paragraph(
        "Le présent accusé de dépôt ne préjuge pas de la décision de l'ASP, qui procède aux contrôles de "
        f"conformité de la demande (AF §{SECTIONS[request]}) puis la valide, la rejette ou invite le Fournisseur à "
        "la compléter."
    )
    return bytes(pdf.output())


@dataclass(frozen=True)
class Decision:
    transition: Transition
    kind: str  # validation, rejection, completion
    request: str

    @property
    def title(self) -> str:
        return f"{TITLES[self.kind]} — {REQUESTS[self.request]}"

    @property
    def day(self):
        return local(self.transition.at).date()

    @property
    def motive(self) -> str:
        return self.transition.reason


def decisions_of(dossier: Dossier) -> list[Decision]:
    """The dossier's decisions that a letter notifies, the latest first."""
    steps = dossier.transitions.filter(name__in=DECISION_STEPS).order_by("-at", "-pk")
    return [Decision(t, *DECISION_STEPS[t.name]) for t in steps]


def findings_at(dossier: Dossier, decision: Decision) -> list[dict]:
    """The findings of the rules the decision was taken on (the last evaluation before it)."""
    evaluation = (
        Evaluation.objects.filter(dossier=dossier, at__lte=decision.transition.at)
        .order_by("-at", "-pk")
        .first()
    )
    return list(evaluation.findings) if evaluation else list(dossier.findings)


def render_decision(dossier: Dossier, transition_id: int) -> bytes:
    """The lettre de décision of the dossier's decision `transition_id`; NotFound for any other step."""
    decision = next((d for d in decisions_of(dossier) if d.transition.pk == transition_id), None)
    if decision is None:
        raise NotFound("Aucune décision de ce numéro sur ce dossier.", "decision")
    ctx = context_for(dossier)
    pdf = ModelPdf(TITLES[decision.kind], f"Dossier SONS n° {dossier.pk}", decision.day, ASP)
    pdf.title_block(f"{REQUESTS[decision.request].capitalize()} (AF §{SECTIONS[decision.request]})")
    pdf.paragraph(f"Expéditeur : {ASP} (ASP)")
    pdf.paragraph(f"Destinataire : {ctx.supplier_name} — SIREN {ctx.supplier_siren}")
    pdf.field("Date de la décision", fr_date(decision.day))
    received_on = reception_date(dossier, decision.request)
    pdf.paragraph(
        f"Objet : {decision.title}, déposée le {fr_date(received_on)} — Dossier SONS n° {dossier.pk}, "
        f"Prestation Ségur auprès du Client {ctx.client_name} ({ctx.client_identifier}), Solution logicielle "
        f"{ctx.solution_label}."
    )
    findings = [f for f in findings_at(dossier, decision) if f.get("severity") in ("blocking", "warning")]
    if decision.kind == "validation":
        amount = dossier.advance_amount if decision.request == "advance" else dossier.balance_amount
        pdf.boxed(
            f"Votre {REQUESTS[decision.request]} est validée. Montant mis en paiement : {euros_fr(amount)}."
        )
        if decision.motive:
            pdf.field("Observations de l'instructeur", decision.motive)
    elif decision.kind == "rejection":
        pdf.boxed(f"Votre {REQUESTS[decision.request]} est rejetée.")
        pdf.heading("Motifs de la décision")
        pdf.paragraph(decision.motive or "—")
        blocking = [f for f in findings if f.get("severity") == "blocking"]
        if blocking:
            pdf.heading("Constats des règles de l'AF à l'appui de la décision")
            for finding in blocking:
                pdf.paragraph(f"• AF §{finding.get('section', '')} : {finding.get('message', '')}")
    else:
        pdf.boxed(
            f"Conformément à l'AF (§{SECTIONS[decision.request]}), l'ASP vous invite à modifier ou à compléter "
            f"votre {REQUESTS[decision.request]} avant de se prononcer."
        )
        pdf.heading("Ce qui est à compléter")
        pdf.paragraph(decision.motive or "—")
        if findings:
            pdf.heading("Constats des règles de l'AF")
            for finding in findings:
                pdf.paragraph(f"• AF §{finding.get('section', '')} : {finding.get('message', '')}")
        pdf.paragraph(
            "Répondez depuis la page du dossier (portail SONS) ou par l'API : les règles sont réévaluées."
        )
    pdf.heading(APPEALS_TITLE)
    pdf.paragraph(APPEALS)
    pdf.signature(f"Pour l'{ASP} :", fr_date(decision.day))
    return bytes(pdf.output())

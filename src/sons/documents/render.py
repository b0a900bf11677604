"""The models to sign, as PDF bytes: `render(kind, dossier)` and `render_letter(kind, case)`.

Each model prints every mention of `mentions.py` for its kind; the PDF's creation date is the document's
own date (or the dossier's), so the same dossier always gives the same bytes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sons.dossiers.models import Dossier
from sons.errors import Invalid
from sons.recoveries.enums import RecoveryGround
from sons.recoveries.models import RecoveryCase
from sons.rules.money import euros_fr

from .context import DocumentContext, context_for
from .layout import ModelPdf, vat_breakdown
from .mentions import BLANK, LETTERS, Mention, RecoveryFacts, fr_date, mentions_for, rate_label

MODEL_KINDS = ("order", "va", "pv", "invoice", "end-of-service")
LETTER_KINDS = tuple(LETTERS)
FILE_NAMES = {
    "order": "bon-de-commande", "va": "verification-d-aptitude", "pv": "pv-installation-pilote",
    "invoice": "facture", "end-of-service": "attestation-fin-de-prestation",
    "formal-notice": "mise-en-demeure", "repayment-order": "ordre-de-reversement",
}  # fmt: skip


class DocumentRefused(Invalid):
    """The model cannot be established from the dossier's data (the message says why, in French)."""


def render(kind: str, dossier: Dossier) -> bytes:
    """The model `kind` (one of MODEL_KINDS) for `dossier`, as PDF bytes."""
    if kind not in MODEL_KINDS:
        raise DocumentRefused(f"Modèle inconnu ; modèles disponibles : {', '.join(MODEL_KINDS)}.", "kind")
    ctx = context_for(dossier)
    mentions = {m.code: m for m in mentions_for(kind, ctx)}
    return BUILDERS[kind](ctx, mentions)


def render_letter(kind: str, case: RecoveryCase) -> bytes:
    """The recovery letter `kind` (one of LETTER_KINDS) for `case`, as PDF bytes."""
    if kind not in LETTER_KINDS:
        raise DocumentRefused(
            f"Courrier inconnu ; courriers disponibles : {', '.join(LETTER_KINDS)}.", "kind"
        )
    dossier = case.dossier
    ctx = context_for(dossier)
    facts = recovery_facts(case, dossier, ctx)
    if kind == "repayment-order" and facts.formal_notice_sent_on is None:
        raise DocumentRefused(
            "L'ordre de reversement suppose une mise en demeure préalable restée infructueuse (AF §7) : "
            "aucune mise en demeure n'a été adressée.",
            status=409,
        )
    mentions = {m.code: m for m in LETTERS[kind](ctx, facts)}
    return letter(kind, ctx, facts, mentions)


def recovery_facts(case: RecoveryCase, dossier: Dossier, ctx: DocumentContext) -> RecoveryFacts:
    return RecoveryFacts(
        case_id=case.pk, ground=RecoveryGround(case.ground).label, amount=case.amount,
        received=dossier.paid_advance + dossier.paid_balance, recovered=dossier.recovered,
        opened_on=case.opened_on, formal_notice_sent_on=case.formal_notice_sent_on,
        repayment_ordered_on=case.repayment_ordered_on, delay_days=ctx.p.formal_notice_days,
    )  # fmt: skip


def first_date(*days: date | None) -> date:
    return next(day for day in days if day is not None)


def reference(ctx: DocumentContext) -> str:
    return f"Dossier SONS n° {ctx.dossier_id}"


def parties(pdf: ModelPdf, ctx: DocumentContext, m: dict[str, Mention]) -> None:
    pdf.heading("Fournisseur")
    pdf.paragraph(f"{ctx.supplier_name} — SIREN {ctx.supplier_siren}")
    pdf.paragraph(f"Solution logicielle : {ctx.solution_label} (éditeur : {ctx.publisher_name})")
    pdf.heading("Client")
    pdf.paragraph(m["client_name"].text)
    pdf.paragraph(f"Catégorie : {ctx.client_category}")


def require_amount(amount: Decimal | None, document: str, section: str) -> Decimal:
    if amount is None or amount <= 0:
        raise DocumentRefused(
            f"Le montant de la Prestation Ségur est nul ou inconnu : {document} ne peut être établi(e), son "
            f"total ne pouvant apparaître égal à zéro (AF §{section})."
        )
    return amount


def segur_table(pdf: ModelPdf, ctx: DocumentContext, m: dict[str, Mention], amount: Decimal) -> None:
    before_tax, tax = vat_breakdown(amount, ctx.vat_rate)
    if ctx.vat_rate in (None, "0"):
        rows = [(m["segur_line"].text, euros_fr(amount)), ("Total hors taxe", euros_fr(amount))]
    else:
        rows = [
            (m["segur_line"].text, m["segur_amount"].text),
            ("dont montant hors taxe", euros_fr(before_tax)),
            (f"dont TVA à {rate_label(ctx.vat_rate)}", euros_fr(tax)),
            ("Total TTC", euros_fr(amount)),
        ]
    pdf.amounts_table(rows, emphasis=len(rows) - 1)
    pdf.paragraph(m["vat_rate"].text)


def order(ctx: DocumentContext, m: dict[str, Mention]) -> bytes:
    amount = require_amount(ctx.amount, "le bon de commande", "4.3")
    pdf = ModelPdf("Bon de commande", reference(ctx), first_date(ctx.order_issued_on, ctx.order_signed_on,
                   ctx.created_on), ctx.supplier_name)  # fmt: skip
    pdf.title_block("Prestation Ségur — Ségur numérique, SONS SFP-LGC-Va2 (AF §4.3)")
    pdf.field("Date d'émission", fr_date(ctx.order_issued_on))
    parties(pdf, ctx, m)
    pdf.heading("Commande")
    segur_table(pdf, ctx, m, amount)
    pdf.boxed(m["state_funded"].text)
    if "conditional_referencing" in m:
        pdf.boxed(m["conditional_referencing"].text + ".")
    if "centre_certificate_commitment" in m:
        pdf.heading("Engagement du Centre de santé (AF §4.3)")
        pdf.paragraph(m["centre_certificate_commitment"].text)
    pdf.heading("Validation de la commande par le Client (AF §4.3)")
    pdf.paragraph(m["signature_methods"].text)
    pdf.signature(
        "Nom, qualité et signature du Client ou de la personne ayant le pouvoir d'engager sa responsabilité :",
        fr_date(ctx.order_signed_on),
    )
    return bytes(pdf.output())


def va(ctx: DocumentContext, m: dict[str, Mention]) -> bytes:
    pdf = ModelPdf(m["va_title"].text, reference(ctx), first_date(ctx.va_signed_on, ctx.completed_on,
                   ctx.created_on), ctx.supplier_name)  # fmt: skip
    pdf.title_block("Réception de la Prestation Ségur par le Client (AF §4.4 et §6.4)")
    parties(pdf, ctx, m)  # prints the « solution » mention, with the publisher
    pdf.field("Bon de commande signé le", fr_date(ctx.order_signed_on))
    pdf.field("Prestation Ségur réalisée le", fr_date(ctx.completed_on))
    pdf.heading("Fonctions clés de la Solution logicielle (AF §4.4)")
    pdf.paragraph("Le Client atteste de la bonne disponibilité des fonctions clés suivantes :")
    functions = [(mention.text, code.split(":", 1)[1] in ctx.va_functions)
                 for code, mention in m.items() if code.startswith("va_function:")]  # fmt: skip
    pdf.checklist(functions)
    pdf.paragraph(m["ordonnance_numerique"].text)
    pdf.heading("Formation des utilisateurs (AF §3.1 et annexe « Contenu des formations »)")
    pdf.paragraph(m["training_terms"].text)
    pdf.paragraph("Les formations dispensées ont porté sur les fonctionnalités suivantes :")
    pdf.checklist([(mention.text, False) for code, mention in m.items() if code.startswith("training:")])
    pdf.heading("Attestation (AF §6.4)")
    pdf.paragraph(
        "La présente VA atteste de la bonne finalisation de la Prestation Ségur conformément aux dispositions "
        "du bon de commande et de l'AF-SFP-LGC-Va2, en particulier celles de sa Section 4."
    )
    pdf.paragraph(m["signature_methods"].text)
    pdf.signature("Nom, qualité et signature du représentant du Client :", fr_date(ctx.va_signed_on))
    return bytes(pdf.output())


def pv(ctx: DocumentContext, m: dict[str, Mention]) -> bytes:
    pdf = ModelPdf(m["pv_title"].text, reference(ctx), first_date(ctx.completed_on, ctx.created_on),
                   ctx.supplier_name)  # fmt: skip
    pdf.title_block("Validation des premières installations sur le périmètre pilote (AF §6.3)")
    pdf.paragraph(m["client_name"].text)
    pdf.paragraph(f"Catégorie : {ctx.client_category}")
    pdf.paragraph(m["supplier"].text)
    pdf.paragraph(m["solution"].text)
    if ctx.pilot_ids:
        pdf.field("Périmètre pilote", ", ".join(f"n° {pk}" for pk in ctx.pilot_ids))
    pdf.field("Bon de commande signé le", fr_date(ctx.order_signed_on))
    pdf.field(
        "Demande de financement et d'avance validée par l'ASP", "oui" if ctx.advance_validated else "non"
    )
    pdf.field("Prestation Ségur réalisée le", fr_date(ctx.completed_on))
    pdf.paragraph(m["pilot_perimeter"].text)
    pdf.boxed(m["pv_statement"].text)
    pdf.heading("Observations éventuelles du Client")
    pdf.ln(18)
    pdf.signature("Nom, qualité et signature du Client :", BLANK)
    pdf.signature("Nom, qualité et signature du représentant du Fournisseur :", BLANK)
    return bytes(pdf.output())


def invoice(ctx: DocumentContext, m: dict[str, Mention]) -> bytes:
    amount = require_amount(ctx.invoiced, "la facture", "4.4")
    pdf = ModelPdf(m["invoice_title"].text, reference(ctx), first_date(ctx.invoice_issued_on, ctx.va_signed_on,
                   ctx.created_on), ctx.supplier_name)  # fmt: skip
    pdf.title_block("Prestation Ségur — Ségur numérique, SONS SFP-LGC-Va2 (AF §4.4)")
    pdf.field("Facture n°", f"{BLANK} (numérotation du Fournisseur)")
    pdf.field("Date d'émission", fr_date(ctx.invoice_issued_on))
    parties(pdf, ctx, m)
    pdf.field("Bon de commande signé le", fr_date(ctx.order_signed_on))
    pdf.heading("Prestation facturée")
    segur_table(pdf, ctx, m, amount)
    pdf.paragraph(m["after_va"].text)
    pdf.boxed(m["state_funded"].text)
    pdf.paragraph("Reste à charge du Client : néant (AF §4.4, principe de reste à charge nul).")
    return bytes(pdf.output())


def end_of_service(ctx: DocumentContext, m: dict[str, Mention]) -> bytes:
    pdf = ModelPdf(m["end_of_service_title"].text, reference(ctx), first_date(ctx.end_of_service_attested_on,
                   ctx.completed_on, ctx.created_on), ctx.supplier_name)  # fmt: skip
    pdf.title_block("Déclaration d'achèvement de la Prestation Ségur (AF §4.4 et §6.4)")
    pdf.paragraph(m["supplier"].text)
    pdf.paragraph(f"Solution logicielle : {ctx.solution_label}")
    pdf.paragraph(m["client_name"].text)
    pdf.field("Bon de commande signé le", fr_date(ctx.order_signed_on))
    pdf.boxed(m["end_of_service_statement"].text)
    pdf.paragraph(
        "Le Fournisseur déposera la demande de paiement du solde, accompagnée de la facture et de la VA, "
        f"au plus tard à la Date 6 ({fr_date(ctx.date_6)})."
    )
    pdf.signature(
        "Nom, qualité et signature du représentant du Fournisseur :", fr_date(ctx.end_of_service_attested_on)
    )
    return bytes(pdf.output())


BUILDERS = {"order": order, "va": va, "pv": pv, "invoice": invoice, "end-of-service": end_of_service}


def letter(kind: str, ctx: DocumentContext, facts: RecoveryFacts, m: dict[str, Mention]) -> bytes:
    notice = kind == "formal-notice"
    title = m["formal_notice_title" if notice else "repayment_order_title"].text
    dated = facts.formal_notice_sent_on if notice else facts.repayment_ordered_on
    pdf = ModelPdf(title, f"{reference(ctx)} — recouvrement n° {facts.case_id}",
                   first_date(dated, facts.formal_notice_sent_on, facts.opened_on), "Agence de services et de paiement")  # fmt: skip
    pdf.title_block("Gestion des indus et recouvrement (AF-SFP-LGC-Va2, Section 7)")
    pdf.paragraph("Expéditeur : Agence de services et de paiement (ASP)")
    pdf.paragraph(f"Destinataire : {ctx.supplier_name} — SIREN {ctx.supplier_siren}")
    pdf.field("Date", fr_date(dated))
    pdf.paragraph(
        f"Objet : {title.lower()} — {reference(ctx)}, Prestation Ségur réalisée auprès du Client "
        f"{ctx.client_name} ({ctx.client_identifier}), Solution logicielle {ctx.solution_label}."
    )
    pdf.paragraph(m["ground"].text)
    pdf.field("Sommes perçues au titre de ce dossier (avance et solde)", euros_fr(facts.received))
    pdf.field("Sommes déjà reversées", euros_fr(facts.recovered))
    if notice:
        pdf.boxed(m["remedy_or_observe"].text)
        pdf.paragraph(m["consequence"].text)
    else:
        pdf.paragraph(m["unsuccessful_notice"].text)
        pdf.boxed(m["order"].text)
        pdf.paragraph(
            "Le reversement est à effectuer auprès de l'ASP selon les modalités jointes au présent ordre."
        )
    pdf.signature("Pour l'Agence de services et de paiement :", fr_date(dated))
    return bytes(pdf.output())

"""The mandatory mentions of each document, with their AF section: the one place the generator prints them
from and the upload checks look for them.

Verbatim texts the AF imposes (the state-funding mention, the conditional-order mention, the « Prestation
Ségur » line label), the signature methods, the VA's key functions and the training topics are read from the
rules' parameters (`sons/rules/parameters/eligibility.toml`), never copied here.

`pattern` is a regular expression sought in the compact form of a document's text (see `text.compact`);
None means the mention is printed on the models but cannot be verified from an uploaded document's text
(a signature, a tick box).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sons.rules.codes import SIGNATURE_MODES, TRAINING_TOPICS, VA_KEY_FUNCTIONS
from sons.rules.money import euros_fr

from .context import DocumentContext
from .text import compact, literal

BLANK = "…………………"


@dataclass(frozen=True)
class Mention:
    code: str
    section: str  # of the AF-SFP-LGC-Va2
    label: str  # what is missing, for a finding
    text: str  # what the models print
    pattern: str | None = None
    amount: Decimal | None = None  # an amount the document must show (checked against every amount read)

    def present_in(self, compact_text: str) -> bool:
        return self.pattern is None or re.search(self.pattern, compact_text) is not None


def fr_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else BLANK


def rate_label(rate: str) -> str:
    return rate.replace(".", ",") + " %"


def client_name(ctx: DocumentContext, section: str, prefix: str) -> Mention:
    return Mention(
        "client_name", section, "nom du Client", f"{prefix} : {ctx.client_name} ({ctx.client_identifier})",
        literal(ctx.client_name_evidence),
    )  # fmt: skip


def segur_line(ctx: DocumentContext, section: str) -> Mention:
    label = ctx.p.order_texts["segur_line"]
    pattern = literal(label)
    # The label also opens the state-funding mention (« Montants de la Prestation Ségur pris en charge… »):
    # that occurrence is not a line.
    funded, seek = compact(ctx.p.order_texts["state_funded"]), compact(label)
    if seek in funded:
        following = funded[funded.index(seek) + len(seek) :][:12]
        pattern += f"(?!{re.escape(following)})"
    return Mention("segur_line", section, f"ligne « {label} »", label, pattern)


def segur_amount(amount: Decimal | None, section: str) -> Mention:
    return Mention("segur_amount", section, "montant de la Prestation Ségur", euros_fr(amount), amount=amount)


def vat_rate(ctx: DocumentContext, checked: bool) -> Mention:
    rate = ctx.vat_rate
    if rate in (None, "0"):
        text = (
            "TVA non applicable : Fournisseur non assujetti à la TVA pour cette commande (montant hors taxe)."
        )
        pattern = r"tvanonapplicable|nonassujetti|293b|exonere|tva.{0,40}?(?<![\d,.])0(?:[,.]0+)?%"
    else:
        whole, _, decimals = rate.partition(".")
        number = rf"{whole}[,.]{decimals}0*" if decimals else rf"{whole}(?:[,.]0+)?"
        text = f"Taux de TVA applicable : {rate_label(rate)}"
        pattern = rf"tva.{{0,40}}?(?<![\d,.]){number}%|(?<![\d,.]){number}%.{{0,20}}?tva"
    return Mention("vat_rate", "5.2", "taux de TVA applicable", text, pattern if checked else None)


def state_funded(ctx: DocumentContext, checked: bool = True) -> Mention:
    text = ctx.p.order_texts["state_funded"]
    pattern = literal(text) if checked else None
    return Mention("state_funded", "4.3", "mention de prise en charge par l'État", text, pattern)


def signature_methods(ctx: DocumentContext, section: str) -> Mention:
    methods = " ; ".join(
        label[0].lower() + label[1:] for label in SIGNATURE_MODES.labels(ctx.p.signature_methods)
    )
    return Mention(
        "signature_methods", section, "modes de signature admis",
        f"Signature manuscrite ou électronique, selon l'un des modes admis : {methods}.",
    )  # fmt: skip


def order_mentions(ctx: DocumentContext) -> list[Mention]:
    """§4.3 and §5.2: what the bon de commande must show."""
    mentions = [
        client_name(ctx, "4.3", "Bon de commande libellé au nom du Client"),
        segur_line(ctx, "4.3"),
        segur_amount(ctx.amount, "4.3"),
        vat_rate(ctx, checked=True),
        state_funded(ctx),
    ]
    if ctx.conditional:
        text = ctx.p.order_texts["conditional_referencing"]
        mentions.append(
            Mention("conditional_referencing", "4.3", "mention de commande conditionnée au référencement ANS",
                    text, literal(text))
        )  # fmt: skip
    if ctx.is_centre:
        mentions.append(
            Mention(
                "centre_certificate_commitment", "4.3",
                "engagement du représentant du centre (certificat de type organisation)",
                "Le représentant de chaque Centre de santé signataire du présent bon de commande s'engage à "
                "réaliser les formalités préalables et nécessaires à la commande d'un certificat de type "
                "organisation auprès de l'IGC Santé (AF §3.1).",
                # The AF imposes the commitment, not its wording: the commitment and its object are sought.
                r"s'engage.{0,300}?certificatdetypeorganisation",
            )
        )  # fmt: skip
    mentions.append(signature_methods(ctx, "4.3"))
    return mentions


def training_topics(ctx: DocumentContext) -> list[tuple[str, str]]:
    """The annex's topics for this client: vaccination only for sage-femme, IDE, IPA; sharing only for a centre."""
    topics = []
    for code in ctx.p.training_topics:
        label = TRAINING_TOPICS.label(code)
        if code == "vaccination" and not (ctx.is_centre or ctx.profession in ("sage_femme", "ide", "ipa")):
            continue
        if code == "centre_partage" and not ctx.is_centre:
            continue
        topics.append((code, label))
    return topics


TRAINING_TERMS = (
    "Au moins une séance de formation collective d'une heure a été proposée à chaque utilisateur, en présentiel "
    "ou à distance (webinaire) ; le support de chaque session a été mis à la disposition du Client (et son "
    "enregistrement pour une session à distance), ainsi que des contenus de prise en main en autonomie."
)
ORDONNANCE_NUMERIQUE = (
    "Le déploiement et l'activation des fonctionnalités liées à l'Ordonnance numérique peuvent intervenir après "
    "la réception, à l'issue des préséries de l'Assurance maladie ; les formations afférentes demeurent exigibles."
)


def va_mentions(ctx: DocumentContext) -> list[Mention]:
    """§4.4 (the key functions), §3.1 and the annex (the training), §6.4 (signature by the Client)."""
    mentions = [
        Mention("va_title", "4.4", "intitulé de la VA", "Attestation de vérification d'aptitude (VA)"),
        client_name(ctx, "6.4", "Client"),
        Mention("solution", "4.4", "Solution logicielle", f"Solution logicielle : {ctx.solution_label}"),
    ]
    for code in ctx.p.va_key_functions:
        label = VA_KEY_FUNCTIONS.label(code)
        mentions.append(Mention(f"va_function:{code}", "4.4", f"fonction clé « {label} »", label))
    mentions.append(Mention("training_terms", "3.1", "modalités de la formation", TRAINING_TERMS))
    for code, label in training_topics(ctx):
        mentions.append(Mention(f"training:{code}", "9", f"formation « {label} »", label))
    mentions.append(
        Mention("ordonnance_numerique", "4.4", "réserve de l'Ordonnance numérique", ORDONNANCE_NUMERIQUE)
    )
    mentions.append(signature_methods(ctx, "6.4"))
    return mentions


def pv_mentions(ctx: DocumentContext) -> list[Mention]:
    """§6.3: the pilot installation report the Client signs."""
    size = ctx.p.pilot_size
    return [
        Mention("pv_title", "6.3", "intitulé du PV", "Procès-verbal d'installation pilote"),
        client_name(ctx, "6.3", "Client"),
        Mention("supplier", "6.3", "Fournisseur", f"Fournisseur : {ctx.supplier_name} (SIREN {ctx.supplier_siren})"),
        Mention("solution", "6.3", "Solution logicielle", f"Solution logicielle : {ctx.solution_label}"),
        Mention(
            "pilot_perimeter", "6.3", "périmètre pilote",
            f"Cette Prestation fait partie du périmètre pilote de {size} Clients choisis par le Fournisseur, "
            "dont les demandes de financement et de paiement de l'avance ont été déposées et validées par l'ASP.",
        ),
        Mention(
            "pv_statement", "6.3", "témoignage du Client",
            "Le Client soussigné témoigne de la bonne réalisation de la Prestation Ségur et de la stabilité de "
            "la Solution logicielle.",
        ),
    ]  # fmt: skip


def invoice_mentions(ctx: DocumentContext) -> list[Mention]:
    """§4.4: an invoice in the Client's name, after the VA, whose Prestation Ségur amount is not zero."""
    return [
        Mention("invoice_title", "4.4", "intitulé de la facture", "Facture"),
        client_name(ctx, "4.4", "Facture libellée au nom du Client"),
        segur_line(ctx, "4.4"),
        segur_amount(ctx.invoiced, "4.4"),
        vat_rate(ctx, checked=False),
        Mention(
            "after_va", "4.4", "facture postérieure à la VA",
            f"Facture établie à la suite de la réalisation de la Prestation Ségur, après la signature de la VA "
            f"le {fr_date(ctx.va_signed_on)}.",
        ),
        state_funded(ctx, checked=False),  # imposed on the order (§4.3) only; printed for the Client's sake
    ]  # fmt: skip


def end_of_service_mentions(ctx: DocumentContext) -> list[Mention]:
    """§4.4 and §6.4: the supplier declares the completion by Date 5 when the balance is not filed yet."""
    return [
        Mention("end_of_service_title", "6.4", "intitulé de l'attestation", "Attestation de fin de Prestation"),
        client_name(ctx, "6.4", "Client"),
        Mention("supplier", "6.4", "Fournisseur", f"Fournisseur : {ctx.supplier_name} (SIREN {ctx.supplier_siren})"),
        Mention(
            "end_of_service_statement", "4.4", "déclaration d'achèvement",
            f"Le Fournisseur déclare aux pouvoirs publics l'achèvement de la Prestation Ségur réalisée auprès du "
            f"Client le {fr_date(ctx.completed_on)}, au plus tard à la Date 5 ({fr_date(ctx.date_5)}).",
        ),
    ]  # fmt: skip


MENTIONS = {
    "order": order_mentions,
    "va": va_mentions,
    "pv": pv_mentions,
    "invoice": invoice_mentions,
    "end-of-service": end_of_service_mentions,
}


def mentions_for(kind: str, ctx: DocumentContext) -> list[Mention]:
    return MENTIONS[kind](ctx)


# Recovery letters (§7): the ASP's formal notice, then its repayment order.


@dataclass(frozen=True)
class RecoveryFacts:
    case_id: int
    ground: str  # its French label
    amount: Decimal
    received: Decimal  # advance and balance paid
    recovered: Decimal
    opened_on: date
    formal_notice_sent_on: date | None
    repayment_ordered_on: date | None
    delay_days: int  # the « délai raisonnable » the ASP retained


def formal_notice_mentions(ctx: DocumentContext, case: RecoveryFacts) -> list[Mention]:
    return [
        Mention("formal_notice_title", "7", "intitulé", "Mise en demeure"),
        Mention("ground", "7", "manquement constaté", f"Manquement constaté : {case.ground}."),
        Mention(
            "remedy_or_observe", "7", "remédier ou présenter ses observations",
            f"Vous êtes mis en demeure de remédier aux manquements constatés ou de présenter vos observations "
            f"dans un délai de {case.delay_days} jours à compter de la réception de la présente.",
        ),
        Mention(
            "consequence", "7", "conséquence",
            f"À défaut, l'ASP ordonnera le reversement de tout ou partie des sommes perçues, soit au plus "
            f"{euros_fr(case.amount)}.",
        ),
    ]  # fmt: skip


def repayment_order_mentions(ctx: DocumentContext, case: RecoveryFacts) -> list[Mention]:
    due = case.amount - case.recovered
    return [
        Mention("repayment_order_title", "7", "intitulé", "Ordre de reversement"),
        Mention("ground", "7", "manquement constaté", f"Manquement constaté : {case.ground}."),
        Mention(
            "unsuccessful_notice", "7", "mise en demeure infructueuse",
            f"La mise en demeure du {fr_date(case.formal_notice_sent_on)} est restée infructueuse.",
        ),
        Mention(
            "order", "7", "montant ordonné",
            f"L'ASP ordonne le reversement de la somme de {euros_fr(case.amount)}, dont {euros_fr(due)} restant "
            "à reverser.",
        ),
    ]  # fmt: skip


LETTERS = {"formal-notice": formal_notice_mentions, "repayment-order": repayment_order_mentions}

"""§5 and §6: the cap, the financed amount, the advance and the balance.

Computations are registered as rules (outcome "computed") so that the trace shows how each
amount was obtained; they store their result on the context for the rules that follow.

An order may cover several centres de santé infirmiers (§4.2, §4.3): each centre, identified by its
FINESS géographique, has its own tranche, its own cap and its own « Prestation Ségur » line; the
dossier's amounts are their sums.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from .calendar import add_months
from .codes import CAP_COLUMNS
from .core import WARNING, computation, computed, failed, not_applicable, passed, rule, unknown
from .money import ZERO, euros, to_cents

BOTH = ("advance", "balance")
COLUMN_LABELS = dict(CAP_COLUMNS.choices)
HUNDRED = Decimal(100)


@lru_cache(maxsize=4096)
def normalize_label(label: str) -> str:
    """A line's label as compared (§4.3 « une ligne dénommée " Prestation Ségur " »): case, accents and
    repeated spaces ignored, since the text read from a scanned order often loses its accents."""
    bare = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", label))
    return " ".join(bare.split()).casefold()


_COMBINING_MARKS = re.compile("[\u0300-\u036f]")  # the accents NFKD separates from their letters


@lru_cache(maxsize=8)
def normalized_segur_label(label: str) -> str:
    return normalize_label(label)


def is_segur_line(text: str, label: str) -> bool:
    return text == label or normalize_label(text) == normalized_segur_label(label)


def split_lines(order: dict, label: str) -> tuple[list, list[str]]:
    """The order's « Prestation Ségur » amounts, and the labels of its other lines."""
    _, amounts, others = partition_lines(order["lines"], label)
    return amounts, others


def partition_lines(lines: list[dict], label: str) -> tuple[list[dict], list, list[str]]:
    """The « Prestation Ségur » lines, their amounts, and the labels of the other lines."""
    segur, amounts, others = [], [], []
    for line in lines:
        text = line["label"]
        if is_segur_line(text, label):
            segur.append(line)
            amounts.append(line["amount"])
        else:
            others.append(text)
    return segur, amounts, others


@computation("5.3", *BOTH, step=1)
def client_cap_category(ctx):
    """§5.3 : barème des professionnels (deux lignes selon la profession) ou des Centres (tranches A à E,
    une par FINESS géographique)."""
    client = ctx.client
    if client["kind"] == "professional":
        group = ctx.p.cap_groups.get(client["profession"] or "")
        ctx.categories = ((None, group),)
        ctx.category = group
        return computed(group, {"client.profession": client["profession"]})
    ctx.categories = tuple((centre["finess_geo"], centre["tranche"]) for centre in ctx.centres)
    ctx.category = client["tranche"]
    if not ctx.several_centres:
        return computed(ctx.category, {"client.tranche": client["tranche"]})
    tranches = dict(ctx.categories)
    return computed(tranches, {"centres.tranche": tranches})


@computation("5.2", *BOTH, step=2, severity=WARNING)
def applicable_cap_column(ctx):
    """§5.2 : « seul le montant du financement hors taxe » est versé au Fournisseur non assujetti ;
    sinon le plafond TTC au taux applicable, « précisé sur le bon de commande »."""
    vat_rate = ctx.order["vat_rate"]
    vat_liable = ctx.supplier["vat_liable"]
    ctx.order_column = ctx.p.vat_rate_columns.get(vat_rate) if vat_rate is not None else None
    if vat_liable is False:
        ctx.financing_column = "ht"
    else:
        ctx.financing_column = ctx.order_column or "ht"
    facts = {"supplier.vat_liable": vat_liable, "order.vat_rate": vat_rate}
    if vat_liable is False and vat_rate in ("20", "8.5"):
        return failed(
            "Le Fournisseur n'est pas assujetti à la TVA mais le bon de commande mentionne un taux de "
            f"{vat_rate} % : seul le montant hors taxe est financé.",
            facts,
            ctx.financing_column,
        )
    if vat_liable is True and vat_rate == "0":
        return failed(
            "Le Fournisseur est déclaré assujetti à la TVA mais le bon de commande ne mentionne pas de TVA : "
            "le plafond hors taxe est retenu.",
            facts,
            ctx.financing_column,
        )
    if vat_liable is None:
        return unknown(
            "Assujettissement du Fournisseur à la TVA non renseigné : le plafond est lu selon le taux du bon "
            "de commande.",
            facts,
        )
    return computed(ctx.financing_column, facts, None)


@computation("5.2", *BOTH, step=3, severity=WARNING)
def vat_rate_at_instruction(ctx):
    """§5.2 : « le montant maximal de financement à retenir correspond au montant incluant le taux de TVA
    applicable au moment de l'instruction de la demande de financement »."""
    stated = ctx.order["vat_rate"]
    ctx.vat_rate = None
    if ctx.financing_column == "ht" or stated not in ctx.p.vat_rates_in_force:
        return not_applicable("Montant hors taxe : pas de taux de TVA.", {"order.vat_rate": stated})
    on = ctx.instructed_on
    in_force = (ctx.p if on == ctx.filed_on else ctx.parameters.at(on)).vat_rates_in_force[stated]
    facts = {"order.vat_rate": stated, "financing_instructed_on": on, "vat_rate_in_force": in_force}
    if in_force == stated:
        return computed(stated, facts)
    ctx.vat_rate = (Decimal(stated), Decimal(in_force))
    return failed(
        f"Le taux de TVA applicable à l'instruction ({in_force} %) n'est plus celui du bon de commande "
        f"({stated} %) : le plafond et le montant convenu sont recalculés hors taxe puis au taux de "
        "l'instruction.",
        facts,
        in_force,
    )


def at_instruction_rate(ctx, amount: Decimal | None) -> Decimal | None:
    """An amount including the order's VAT, re-expressed at the rate in force at instruction."""
    if amount is None or ctx.vat_rate is None:
        return amount
    stated, in_force = ctx.vat_rate
    return to_cents(amount / (1 + stated / HUNDRED) * (1 + in_force / HUNDRED))


def caps_of(ctx) -> tuple[list, list]:
    """Per category of the dossier: the cap financed (the barème's figure in the financing column, or its
    HT figure at the rate in force at instruction when the rate changed), and the cap of the order's
    column (the barème the order's amount is checked against)."""
    table = ctx.p.bareme_professionals if ctx.client["kind"] == "professional" else ctx.p.bareme_centres
    column, order_column = ctx.financing_column, ctx.order_column
    rate = ctx.vat_rate[1] if ctx.vat_rate is not None else None
    caps, order_caps = [], []
    for _, category in ctx.categories:
        row = table.get(category) if category is not None else None
        if row is None:
            caps.append(None)
            order_caps.append(None)
            continue
        caps.append(row[column] if rate is None else to_cents(row["ht"] * (1 + rate / HUNDRED)))
        order_caps.append(row[order_column] if order_column is not None else None)
    return caps, order_caps


def total(amounts: list) -> Decimal | None:
    """The sum, or None when one amount is unknown."""
    if len(amounts) == 1:
        return amounts[0]
    return None if any(amount is None for amount in amounts) else sum(amounts, ZERO)


@computation("5.3", *BOTH, step=4)
def cap_amount(ctx):
    """§5.3 : montant plafond de la Prestation Ségur par Client, selon la catégorie et la colonne de TVA
    (pour plusieurs centres, la somme des plafonds de chaque FINESS géographique)."""
    ctx.caps, ctx.order_caps = caps_of(ctx)
    ctx.cap, ctx.order_cap = total(ctx.caps), total(ctx.order_caps)
    if ctx.several_centres:
        facts = {"categories": dict(ctx.categories), "column": ctx.financing_column}
    else:
        facts = {"category": ctx.category, "column": ctx.financing_column}
    if ctx.cap is None:
        if ctx.request == "balance":
            # At the balance the client's eligibility only warns, but nothing can be paid without a cap.
            return failed("Catégorie du Client inconnue : le montant du solde ne peut être déterminé.", facts)
        return not_applicable("Catégorie de Client inconnue : pas de plafond applicable.", facts)
    return computed(euros(ctx.cap), facts)


def agreed_by_centre(ctx) -> list[Decimal | None]:
    """Each centre's « Prestation Ségur » amount: the line naming its FINESS géographique (one client or
    one centre: every « Prestation Ségur » line)."""
    if not ctx.several_centres:
        return [ctx.agreed]
    amounts: dict[str, Decimal] = {}
    for line in ctx.segur_lines:
        amounts[line["finess_geo"]] = amounts.get(line["finess_geo"], ZERO) + line["amount"]
    return [amounts.get(key) for key, _ in ctx.categories]


def financed_by_centre(ctx) -> list[Decimal]:
    """Per category: the smaller of its cap and its agreed amount (re-expressed at the rate in force at
    instruction when it changed), a missing or negative amount counting as zero."""
    financed = []
    for cap, agreed in zip(ctx.caps, ctx.agreed_by_centre, strict=True):
        if agreed is None or agreed <= ZERO:
            agreed = ZERO
        elif ctx.vat_rate is not None:
            agreed = at_instruction_rate(ctx, agreed)
        financed.append(to_cents(min(cap, agreed)))
    return financed


@computation("5.1", *BOTH, step=5)
def financed_amount(ctx):
    """§5.1 : le financement est égal au montant maximal, ou au montant inférieur convenu entre le
    Fournisseur et le Client."""
    ctx.segur_lines, ctx.segur_amounts, ctx.other_lines = partition_lines(
        ctx.order["lines"], ctx.p.order_texts["segur_line"]
    )
    ctx.agreed = sum(ctx.segur_amounts, ZERO) if ctx.segur_amounts else None
    ctx.agreed_by_centre = agreed_by_centre(ctx)
    facts = {"cap": ctx.cap, "agreed": ctx.agreed}
    if ctx.cap is None:
        ctx.financed = None
        return not_applicable("Catégorie de Client inconnue : pas de montant financé.", facts)
    ctx.financed_by_centre = financed = financed_by_centre(ctx)
    ctx.financed = financed[0] if len(financed) == 1 else sum(financed, ZERO)
    if len(financed) > 1:
        facts["financed_by_centre"] = {
            key: euros(amount) for (key, _), amount in zip(ctx.categories, financed, strict=True)
        }
    return computed(euros(ctx.financed), facts)


@computation("4.4", "balance", step=6, severity=WARNING)
def financed_amount_lowered_to_invoice(ctx):
    """§4.4 et §5.1 : au solde, une facture inférieure au montant financé ramène le financement au montant
    facturé (« ou, si le Fournisseur et le Client conviennent d'un montant inférieur […], au montant ainsi
    convenu ») ; le solde est ce montant moins l'avance versée."""
    invoiced = ctx.balance["invoice"]["amount"]
    ctx.order_financed = ctx.financed
    facts = {"balance.invoice.amount": invoiced, "financed": ctx.financed}
    if ctx.financed is None or invoiced is None or invoiced <= ZERO:
        return not_applicable("Pas de montant financé ou pas de montant facturé.", facts)
    if invoiced >= ctx.financed:
        return computed(euros(ctx.financed), facts)
    ctx.financed = invoiced
    return failed(
        f"La facture ({euros(invoiced)} €) est inférieure au montant financé à la commande "
        f"({euros(ctx.order_financed)} €) : le financement est ramené au montant facturé.",
        facts,
        euros(invoiced),
    )


@computation("6", *BOTH, step=7)
def advance_and_balance_amounts(ctx):
    """§6 points 3 et 4 : l'avance correspond à 40 % du montant, le solde au reste (60 %) ; au solde, le
    reste dû est le montant financé moins l'avance versée, et une avance versée au-delà est à reverser
    (§7)."""
    if ctx.financed is None:
        ctx.advance = ctx.balance_due = None
        return not_applicable("Pas de montant financé : ni avance ni solde.")
    share = ctx.p.advance_share
    facts = {"financed": ctx.financed, "advance_share": str(share)}
    if ctx.request == "advance":
        ctx.advance = to_cents(ctx.financed * share)
        ctx.balance_due = ctx.financed - ctx.advance
        return computed({"advance": ctx.advance, "balance": ctx.balance_due}, facts)
    paid = ctx.balance["advance_paid"]
    ctx.advance = paid if paid is not None else to_cents(ctx.order_financed * share)
    facts["balance.advance_paid"] = paid
    ctx.balance_due = max(ctx.financed - ctx.advance, ZERO)
    excess = ctx.advance - ctx.financed
    ctx.advance_to_recover = excess if excess > ZERO else None
    value = {"advance": ctx.advance, "balance": ctx.balance_due}
    if ctx.advance_to_recover is None:
        return computed(value, facts)
    value["advance_to_recover"] = excess
    return computed(
        value,
        facts,
        note=f"L'avance versée ({euros(ctx.advance)} €) dépasse le montant financé ({euros(ctx.financed)} €) : "
        f"solde nul, {euros(excess)} € à reverser (§7).",
    )


@rule("4.4", "balance")
def invoice_within_financed_amount(ctx):
    """§4.4 « sans surcoût au Client » et §5.1 : « l'attribution du financement est exclusive de la perception
    de toute autre somme auprès du Client » ; une facture au-delà du montant financé lui laisse un reste à
    charge."""
    invoiced = ctx.balance["invoice"]["amount"]
    financed = ctx.order_financed
    facts = {"balance.invoice.amount": invoiced, "financed": financed}
    if invoiced is None or financed is None:
        return not_applicable("Pas de montant facturé ou pas de montant financé.", facts)
    if invoiced > financed:
        return failed(
            f"La facture ({euros(invoiced)} €) dépasse le montant financé ({euros(financed)} €) : la différence "
            "resterait à la charge du Client, ce que l'AF exclut (reste à charge nul).",
            facts,
        )
    return passed(facts)


def aids_in_window(aids: list[dict], on, years: int) -> tuple[list[dict], object]:
    """The aids of the rolling window of `years` years that ends on `on` (the day itself counts, the
    same day `years` years before does not), and the window's first day."""
    start = add_months(on, -12 * years)
    return [aid for aid in aids if start < aid["granted_on"] <= on], start


@rule("5.1", "advance")
def de_minimis_ceiling_respected(ctx):
    """§5.1 : pour un professionnel, aides de minimis (règlement (UE) 2023/2832) : les aides perçues par le
    Client sur trois ans glissants, y compris les financements « déjà versés au titre des autres dispositifs
    SONS », et le présent financement ne dépassent pas le plafond."""
    client = ctx.client
    if client["kind"] == "centre":
        return passed(
            {"client.kind": "centre"},
            note="Centre de santé : financement relevant de la décision 2012/21/UE (SIEG), hors de minimis.",
        )
    ceiling = ctx.p.de_minimis_ceiling
    register = client["de_minimis_aids"]
    if register is not None:
        counted, start = aids_in_window(register, ctx.filed_on, ctx.p.de_minimis_window_years)
        other = sum((aid["amount"] for aid in counted), ZERO)
        facts = {
            "client.de_minimis_aids": len(register),
            "counted_from": start,
            "counted": [f"{aid['granted_on']:%d/%m/%Y} {euros(aid['amount'])} €" for aid in counted],
            "other_aid": other,
            "financed": ctx.financed,
            "ceiling": ceiling,
        }
    else:
        other = client["de_minimis_other_aid"]
        facts = {"client.de_minimis_other_aid": other, "financed": ctx.financed, "ceiling": ceiling}
    if ctx.financed is None:
        return not_applicable("Pas de montant financé.", facts)
    if other is None:
        return unknown(
            "Déclaration par le Client des autres aides de minimis perçues sur trois ans non fournie : "
            "elle est préalable à l'octroi du financement.",
            facts,
        )
    total = other + ctx.financed
    if total > ceiling:
        return failed(
            f"Plafond de minimis dépassé : {euros(other)} € d'autres aides + {euros(ctx.financed)} € = "
            f"{euros(total)} € > {euros(ceiling)} € sur trois ans.",
            facts,
        )
    return passed(facts)

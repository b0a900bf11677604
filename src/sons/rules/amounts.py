"""§5 and §6: the cap, the financed amount, the advance and the balance.

Computations are registered as rules (outcome "computed") so that the trace shows how each
amount was obtained; they store their result on the context for the rules that follow.

An order may cover several centres de santé infirmiers (§4.2, §4.3): each centre, identified by its
FINESS géographique, has its own tranche, its own cap and its own « Prestation Ségur » line; the
dossier's amounts are their sums.
"""

from __future__ import annotations

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


def normalize_label(label: str) -> str:
    """A line's label as compared (§4.3 « une ligne dénommée " Prestation Ségur " »): case, accents and
    repeated spaces ignored, since the text read from a scanned order often loses its accents."""
    decomposed = unicodedata.normalize("NFKD", label)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split()).casefold()


@lru_cache(maxsize=8)
def normalized_segur_label(label: str) -> str:
    return normalize_label(label)


def is_segur_line(text: str, label: str) -> bool:
    return text == label or normalize_label(text) == normalized_segur_label(label)


def split_lines(order: dict, label: str) -> tuple[list, list[str]]:
    """The order's « Prestation Ségur » amounts, and the labels of its other lines."""
    segur, others = [], []
    for line in order["lines"]:
        text = line["label"]
        if is_segur_line(text, label):
            segur.append(line["amount"])
        else:
            others.append(text)
    return segur, others


def segur_lines(order: dict, label: str) -> list[dict]:
    return [line for line in order["lines"] if is_segur_line(line["label"], label)]


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
    if len(ctx.centres) == 1:
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
    in_force = ctx.parameters.at(on).vat_rates_in_force[stated]
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


def _bareme(ctx, category, column):
    if category is None or column is None:
        return None
    table = ctx.p.bareme_professionals if ctx.client["kind"] == "professional" else ctx.p.bareme_centres
    return table[category][column]


def _cap(ctx, category) -> Decimal | None:
    if ctx.vat_rate is None:
        return _bareme(ctx, category, ctx.financing_column)
    ht = _bareme(ctx, category, "ht")
    return None if ht is None else to_cents(ht * (1 + ctx.vat_rate[1] / HUNDRED))


def _total(values):
    return None if any(value is None for value in values) else sum(values, ZERO)


@computation("5.3", *BOTH, step=4)
def cap_amount(ctx):
    """§5.3 : montant plafond de la Prestation Ségur par Client, selon la catégorie et la colonne de TVA
    (pour plusieurs centres, la somme des plafonds de chaque FINESS géographique)."""
    ctx.caps = tuple(_cap(ctx, category) for _, category in ctx.categories)
    ctx.order_caps = tuple(_bareme(ctx, category, ctx.order_column) for _, category in ctx.categories)
    ctx.cap = _total(ctx.caps)
    ctx.order_cap = _total(ctx.order_caps)
    facts = {"category": ctx.category, "column": ctx.financing_column}
    if len(ctx.categories) > 1:
        facts = {"categories": dict(ctx.categories), "column": ctx.financing_column}
    if ctx.cap is None:
        if ctx.request == "balance":
            # At the balance the client's eligibility only warns, but nothing can be paid without a cap.
            return failed("Catégorie du Client inconnue : le montant du solde ne peut être déterminé.", facts)
        return not_applicable("Catégorie de Client inconnue : pas de plafond applicable.", facts)
    return computed(euros(ctx.cap), facts)


def agreed_by_centre(ctx) -> list[Decimal | None]:
    """Each centre's « Prestation Ségur » amount: the line naming its FINESS géographique (one centre:
    every « Prestation Ségur » line)."""
    if len(ctx.categories) == 1:
        return [sum(ctx.segur_amounts, ZERO) if ctx.segur_amounts else None]
    amounts: dict[str, list] = {}
    for line in ctx.segur_lines:
        amounts.setdefault(line["finess_geo"], []).append(line["amount"])
    return [sum(amounts[key], ZERO) if key in amounts else None for key, _ in ctx.categories]


@computation("5.1", *BOTH, step=5)
def financed_amount(ctx):
    """§5.1 : le financement est égal au montant maximal, ou au montant inférieur convenu entre le
    Fournisseur et le Client."""
    label = ctx.p.order_texts["segur_line"]
    ctx.segur_lines = segur_lines(ctx.order, label)
    ctx.segur_amounts = [line["amount"] for line in ctx.segur_lines]
    ctx.other_lines = [
        line["label"] for line in ctx.order["lines"] if not is_segur_line(line["label"], label)
    ]
    ctx.agreed = sum(ctx.segur_amounts, ZERO) if ctx.segur_amounts else None
    ctx.agreed_by_centre = agreed_by_centre(ctx)
    facts = {"cap": ctx.cap, "agreed": ctx.agreed}
    if ctx.cap is None:
        ctx.financed = None
        return not_applicable("Catégorie de Client inconnue : pas de montant financé.", facts)
    financed = []
    for cap, agreed in zip(ctx.caps, ctx.agreed_by_centre, strict=True):
        agreed = at_instruction_rate(ctx, agreed) if agreed is not None and agreed > ZERO else ZERO
        financed.append(to_cents(min(cap, agreed)))
    ctx.financed_by_centre = financed
    ctx.financed = sum(financed, ZERO)
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

"""§5 and §6: the cap, the financed amount, the advance and the balance.

Computations are registered as rules (outcome "computed") so that the trace shows how each
amount was obtained; they store their result on the context for the rules that follow.
"""

from __future__ import annotations

from functools import lru_cache

from .codes import CAP_COLUMNS
from .core import BLOCKING, WARNING, computed, failed, not_applicable, passed, rule, unknown
from .money import ZERO, euros, to_cents

BOTH = ("advance", "balance")
COLUMN_LABELS = dict(CAP_COLUMNS.choices)


def split_lines(order: dict, label: str) -> tuple[list, list[str]]:
    """The order's « Prestation Ségur » amounts, and the labels of its other lines."""
    wanted = normalized_segur_label(label)
    segur, others = [], []
    for line in order["lines"]:
        text = line["label"]
        if text == label or normalize_label(text) == wanted:
            segur.append(line["amount"])
        else:
            others.append(text)
    return segur, others


def normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


@lru_cache(maxsize=8)
def normalized_segur_label(label: str) -> str:
    return normalize_label(label)


@rule("5.3", *BOTH, severity=BLOCKING)
def client_cap_category(ctx):
    """§5.3 : barème des professionnels (deux lignes selon la profession) ou des Centres (tranches A à E)."""
    client = ctx.client
    if client["kind"] == "professional":
        group = ctx.p.cap_groups.get(client["profession"] or "")
        ctx.category = group
        facts = {"client.profession": client["profession"]}
    else:
        ctx.category = client["tranche"]
        facts = {"client.tranche": client["tranche"]}
    return computed(ctx.category, facts)


@rule("5.2", *BOTH, severity=WARNING)
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


def _cap(ctx, column):
    if ctx.category is None or column is None:
        return None
    if ctx.client["kind"] == "professional":
        return ctx.p.bareme_professionals[ctx.category][column]
    return ctx.p.bareme_centres[ctx.category][column]


@rule("5.3", *BOTH)
def cap_amount(ctx):
    """§5.3 : montant plafond de la Prestation Ségur par Client, selon la catégorie et la colonne de TVA."""
    ctx.cap = _cap(ctx, ctx.financing_column)
    ctx.order_cap = _cap(ctx, ctx.order_column)
    facts = {"category": ctx.category, "column": ctx.financing_column}
    if ctx.cap is None:
        if ctx.request == "balance":
            # At the balance the client's eligibility only warns, but nothing can be paid without a cap.
            return failed("Catégorie du Client inconnue : le montant du solde ne peut être déterminé.", facts)
        return not_applicable("Catégorie de Client inconnue : pas de plafond applicable.", facts)
    return computed(euros(ctx.cap), facts)


@rule("5.1", *BOTH)
def financed_amount(ctx):
    """§5.1 : le financement est égal au montant maximal, ou au montant inférieur convenu entre le
    Fournisseur et le Client."""
    ctx.segur_amounts, ctx.other_lines = split_lines(ctx.order, ctx.p.order_texts["segur_line"])
    ctx.agreed = sum(ctx.segur_amounts, ZERO) if ctx.segur_amounts else None
    facts = {"cap": ctx.cap, "agreed": ctx.agreed}
    if ctx.cap is None:
        ctx.financed = None
        return not_applicable("Catégorie de Client inconnue : pas de montant financé.", facts)
    agreed = ctx.agreed if ctx.agreed is not None and ctx.agreed > ZERO else ZERO
    ctx.financed = to_cents(min(ctx.cap, agreed))
    return computed(euros(ctx.financed), facts)


@rule("6", *BOTH)
def advance_and_balance_amounts(ctx):
    """§6 points 3 et 4 : l'avance correspond à 40 % du montant, le solde au reste (60 %)."""
    if ctx.financed is None:
        ctx.advance = ctx.balance_due = None
        return not_applicable("Pas de montant financé : ni avance ni solde.")
    ctx.advance = to_cents(ctx.financed * ctx.p.advance_share)
    ctx.balance_due = ctx.financed - ctx.advance
    facts = {"financed": ctx.financed, "advance_share": str(ctx.p.advance_share)}
    return computed({"advance": ctx.advance, "balance": ctx.balance_due}, facts)


@rule("5.1", "advance")
def de_minimis_ceiling_respected(ctx):
    """§5.1 : pour un professionnel, aides de minimis (règlement (UE) 2023/2832) : les autres aides
    déclarées par le Client sur trois ans et le présent financement ne dépassent pas le plafond."""
    client = ctx.client
    if client["kind"] == "centre":
        return passed(
            {"client.kind": "centre"},
            note="Centre de santé : financement relevant de la décision 2012/21/UE (SIEG), hors de minimis.",
        )
    other = client["de_minimis_other_aid"]
    facts = {
        "client.de_minimis_other_aid": other,
        "financed": ctx.financed,
        "ceiling": ctx.p.de_minimis_ceiling,
    }
    if ctx.financed is None:
        return not_applicable("Pas de montant financé.", facts)
    if other is None:
        return unknown(
            "Déclaration par le Client des autres aides de minimis perçues sur trois ans non fournie : "
            "elle est préalable à l'octroi du financement.",
            facts,
        )
    total = other + ctx.financed
    if total > ctx.p.de_minimis_ceiling:
        return failed(
            f"Plafond de minimis dépassé : {euros(other)} € d'autres aides + {euros(ctx.financed)} € = "
            f"{euros(total)} € > {euros(ctx.p.de_minimis_ceiling)} € sur trois ans.",
            facts,
        )
    return passed(facts)

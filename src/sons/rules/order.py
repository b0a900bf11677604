"""§4.3 conditions on the order (bon de commande) and on obsolete-version declarations."""

from __future__ import annotations

from datetime import timedelta

from .client import each_centre_confirmed
from .codes import ORDER_CONDITIONS
from .core import confirmed, failed, not_applicable, passed, rule, unknown
from .money import ZERO, euros

BOTH = ("advance", "balance")


def fr(day) -> str:
    """ "05/12/2027". (strftime is four times slower, and messages name dates in every other dossier.)"""
    return "%02d/%02d/%d" % (day.day, day.month, day.year)  # noqa: UP031 (faster than an f-string here)


@rule("4.3", *BOTH)
def order_in_client_name(ctx):
    """§4.3 : « un bon de commande libellé au nom du Client »."""
    return confirmed(
        "order.in_client_name",
        ctx.order["in_client_name"],
        "Libellé du bon de commande au nom du Client non renseigné.",
        "Le bon de commande n'est pas libellé au nom du Client.",
    )


@rule("4.3", *BOTH)
def order_issued_after_date_0(ctx):
    """§4.3 : « la date d'émission du bon de commande doit être postérieure à la Date 0 »."""
    issued = ctx.order["issued_on"]
    facts = {"order.issued_on": issued, "date_0": ctx.cal.date_0}
    if issued is None:
        return unknown("Date d'émission du bon de commande non renseignée.", facts)
    if issued <= ctx.cal.date_0:
        return failed(
            f"Le bon de commande a été émis le {fr(issued)}, qui n'est pas postérieur à la Date 0 "
            f"({fr(ctx.cal.date_0)}).",
            facts,
        )
    return passed(facts)


@rule("4.3", *BOTH)
def order_signed_not_before_signature_opening(ctx):
    """§4.3 : « la date de signature du bon de commande par le Client ne peut être antérieure à Date 0 +
    12 mois »."""
    signed = ctx.order["signed_on"]
    facts = {"order.signed_on": signed, "order_signature_from": ctx.cal.order_signature_from}
    if signed is None:
        return unknown("Date de signature du bon de commande non renseignée.", facts)
    if signed < ctx.cal.order_signature_from:
        return failed(
            f"Le bon de commande a été signé le {fr(signed)}, avant le {fr(ctx.cal.order_signature_from)} "
            "(Date 0 + 12 mois).",
            facts,
        )
    return passed(facts)


@rule("4.3", *BOTH)
def order_signed_no_later_than_date_4(ctx):
    """§4.3 : « la date de signature du bon de commande par le Client ne peut pas être postérieure à la
    Date 4 »."""
    signed = ctx.order["signed_on"]
    facts = {"order.signed_on": signed, "date_4": ctx.cal.date_4}
    if signed is None:
        return unknown("Date de signature du bon de commande non renseignée.", facts)
    if signed > ctx.cal.date_4:
        return failed(
            f"Le bon de commande a été signé le {fr(signed)}, après la Date 4 ({fr(ctx.cal.date_4)}).", facts
        )
    return passed(facts)


@rule("4.3", *BOTH)
def order_signed_with_allowed_method(ctx):
    """§4.3 : signature « manuscrite ou électronique : signature avec certificats CPx, […] Pro Santé
    Connect, […] certificat logiciel RGS 1 étoile, signature électronique de niveau minimum eIDAS simple »."""
    signature = ctx.order["signature"]
    facts = {"order.signature": signature}
    if signature is None:
        return unknown("Mode de signature du bon de commande non renseigné.", facts)
    if signature not in ctx.p.signature_methods:
        return failed("Le bon de commande n'est pas signé par le Client selon un mode admis.", facts)
    return passed(facts)


def quoted(labels) -> str:
    return ", ".join(f"« {label} »" for label in labels)


@rule("4.3", *BOTH)
def order_has_single_segur_line(ctx):
    """§4.3 : « une ligne dénommée " Prestation Ségur " » (casse, accents et espaces répétés ignorés) ;
    « Aucune autre prestation ne doit figurer sur ce bon de commande » ; pour plusieurs centres, une ligne
    par FINESS géographique."""
    label = ctx.p.order_texts["segur_line"]
    others = ctx.other_lines
    lines = ctx.segur_lines
    read = [line["label"] for line in ctx.order["lines"]]
    facts = {"order.lines": read}
    if not lines:
        if read:
            return failed(
                f"Le bon de commande ne comporte pas de ligne « {label} » (lu : {quoted(read)}).", facts
            )
        return failed(f"Le bon de commande ne comporte pas de ligne « {label} ».", facts)
    if others:
        return failed(
            f"Aucune autre prestation ne doit figurer sur le bon de commande : {quoted(others)}.", facts
        )
    if ctx.several_centres:
        return _one_line_per_centre(ctx, facts)
    if len(lines) > 1:
        return failed(
            f"Le bon de commande comporte {len(lines)} lignes « {label} » au lieu d'une seule.", facts
        )
    if lines[0]["label"] != label:
        return passed(facts, note=f"Ligne « {lines[0]['label']} » lue comme la ligne « {label} ».")
    return passed(facts)


def _one_line_per_centre(ctx, facts):
    label = ctx.p.order_texts["segur_line"]
    facts["order.lines.finess_geo"] = [line["finess_geo"] for line in ctx.segur_lines]
    centres = [centre["finess_geo"] for centre in ctx.centres]
    by_centre = [line["finess_geo"] for line in ctx.segur_lines]
    strangers = [finess or "sans FINESS" for finess in by_centre if finess not in centres]
    if strangers:
        return failed(
            f"Chaque ligne « {label} » d'un bon de commande pour plusieurs centres nomme le FINESS géographique "
            f"de l'un d'eux : {', '.join(strangers)}.",
            facts,
        )
    wrong = [finess for finess in centres if by_centre.count(finess) != 1]
    if wrong:
        return failed(
            f"Le bon de commande doit porter une ligne « {label} » et une seule pour chaque centre : FINESS "
            f"géographique {', '.join(wrong)}.",
            facts,
        )
    relabelled = sorted({line["label"] for line in ctx.segur_lines if line["label"] != label})
    if relabelled:
        return passed(facts, note=f"Ligne(s) {quoted(relabelled)} lue(s) comme la ligne « {label} ».")
    return passed(facts)


@rule("4.3", *BOTH)
def order_segur_amount_not_zero(ctx):
    """§4.3 : « le montant de la Prestation Ségur doit impérativement figurer sur le bon de commande, dont
    le total ne peut donc apparaître égal à zéro »."""
    facts = {"agreed": ctx.agreed}
    if ctx.agreed is None:
        return not_applicable("Pas de ligne « Prestation Ségur ».", facts)
    if ctx.several_centres:
        zero = [line["finess_geo"] or "sans FINESS" for line in ctx.segur_lines if line["amount"] <= ZERO]
        if zero:
            return failed(
                "Le montant de la Prestation Ségur doit être supérieur à zéro pour chaque centre : FINESS "
                f"géographique {', '.join(zero)}.",
                facts,
            )
        return passed(facts)
    if ctx.agreed <= ZERO:
        return failed(
            "Le montant de la Prestation Ségur sur le bon de commande doit être supérieur à zéro.", facts
        )
    return passed(facts)


@rule("4.3", *BOTH)
def order_segur_amount_within_cap(ctx):
    """§4.3 : le montant de la ligne « Prestation Ségur » est « nécessairement inférieur ou égal aux barèmes
    applicables présentés en Section 5 » (pour plusieurs centres, chaque ligne au barème de son centre)."""
    facts = {"agreed": ctx.agreed, "cap": ctx.order_cap, "column": ctx.order_column}
    if ctx.agreed is None or ctx.order_cap is None:
        return not_applicable("Pas de montant ou pas de barème applicable.", facts)
    if ctx.order_column is None:
        # The missing VAT rate is its own blocking finding (§5.2); without it no column of the barème applies.
        return not_applicable("Taux de TVA non précisé : colonne du barème indéterminée.", facts)
    if ctx.several_centres:
        above = [
            f"{centre['finess_geo']} : {euros(agreed)} € > {euros(cap)} €"
            for centre, agreed, cap in zip(ctx.centres, ctx.agreed_by_centre, ctx.order_caps, strict=True)
            if agreed is not None and agreed > cap
        ]
        if above:
            return failed(
                "Montant de la Prestation Ségur au-delà du barème du centre : " + " ; ".join(above), facts
            )
        return passed(facts)
    if ctx.agreed > ctx.order_cap:
        return failed(
            f"Le montant de la Prestation Ségur ({euros(ctx.agreed)} €) dépasse le plafond du barème "
            f"({euros(ctx.order_cap)} €).",
            facts,
        )
    return passed(facts)


@rule("4.3", *BOTH)
def order_carries_state_funded_mention(ctx):
    """§4.3 : « La mention " Montants de la Prestation Ségur pris en charge par l'Etat au titre du Ségur de
    la santé " doit figurer sur le bon de commande »."""
    return confirmed(
        "order.mention_state_funded",
        ctx.order["mention_state_funded"],
        "Présence de la mention de prise en charge par l'État non renseignée.",
        f"La mention « {ctx.p.order_texts['state_funded']} » est absente du bon de commande.",
    )


@rule("5.2", *BOTH)
def order_states_vat_rate(ctx):
    """§5.2 : « Le taux de TVA applicable à chaque commande devra être précisé sur le bon de commande validé
    par le Client »."""
    rate = ctx.order["vat_rate"]
    facts = {"order.vat_rate": rate}
    if rate is None:
        return failed("Le taux de TVA applicable n'est pas précisé sur le bon de commande.", facts)
    return passed(facts)


@rule("4.3", *BOTH)
def order_not_conditioned(ctx):
    """§4.3 : la commande « ne peut en aucun cas être conditionnée » à un réengagement, une option payante
    ou un autre achat payant."""
    conditions = ctx.order["conditioned_on"]
    facts = {"order.conditioned_on": conditions}
    if conditions:
        listed = " ; ".join(ORDER_CONDITIONS.labels(conditions))
        return failed(f"La commande de la Prestation Ségur est conditionnée à : {listed}.", facts)
    return passed(facts)


@rule("4.3", *BOTH)
def paid_catch_up_only_from_obsolete_version(ctx):
    """§4.3 : le rattrapage de version préalable « ne peut s'effectuer à titre onéreux que dans le cas où
    le Client est équipé d'une version […] déclarée comme obsolète » ; la déclaration elle-même suit les
    règles du §4.3 (arrêt rendu public avant la Date 0, ni la version la plus récente en production à la
    Date 0, ni la version de vague 1 ou une version ultérieure)."""
    paid = ctx.order["paid_version_catch_up"]
    version = ctx.order["client_version"]
    obsolete = ctx.order["client_version_obsolete"]
    if version is not None and version["declared_obsolete"] is not None:
        obsolete = version["declared_obsolete"]
    facts = {"order.paid_version_catch_up": paid, "order.client_version_obsolete": obsolete}
    if not paid:
        return not_applicable("Pas de rattrapage de version payant.", facts)
    if version is not None and obsolete:
        return _declared_obsolete_within_section_4_3(ctx, version, facts)
    if obsolete is None:
        return unknown("Version du Client déclarée obsolète ou non : non renseigné.", facts)
    if not obsolete:
        return failed(
            "Un rattrapage de version payant n'est admis que si la version du Client est déclarée obsolète "
            "auprès de l'ANS.",
            facts,
        )
    return passed(facts)


@rule("4.3", *BOTH)
def centre_certificate_commitment(ctx):
    """§4.3 : le représentant de chaque Centre de santé signataire « s'engage à réaliser les formalités
    préalables et nécessaires à la commande d'un certificat de type organisation »."""
    if ctx.client["kind"] != "centre":
        return not_applicable("Le Client n'est pas un centre de santé.")
    return each_centre_confirmed(
        ctx,
        "certificate_commitment",
        "order.centre_certificate_commitment",
        "Engagement du représentant du centre (certificat organisation) non renseigné.",
        "Le bon de commande ne porte pas l'engagement du représentant du centre à réaliser les formalités "
        "du certificat de type organisation.",
    )


def signed_before(signed, referencing: str | None, referenced_on) -> bool | None:
    """Was the order signed before the solution's referencing (a conditional order, §4.3)? None: unsigned."""
    if signed is None:
        return None
    if referencing == "granted" and referenced_on is None:
        return False
    return referenced_on is None or signed < referenced_on


def signed_before_referencing(ctx) -> bool | None:
    solution = ctx.solution
    return signed_before(ctx.order["signed_on"], solution["referencing"], solution["referenced_on"])


@rule("4.3", *BOTH)
def conditional_order_within_delay_of_complete_dossier(ctx):
    """§4.3 : signé avant le référencement, le bon de commande ne peut être signé « plus de 120 jours
    calendaires » avant la date du dépôt d'un dossier complet de preuves de conformité à l'ANS."""
    before = signed_before_referencing(ctx)
    signed = ctx.order["signed_on"]
    complete = ctx.solution["complete_dossier_on"]
    days = ctx.p.conditional_order_days
    facts = {
        "order.signed_on": signed,
        "solution.complete_dossier_on": complete,
        "solution.referenced_on": ctx.solution["referenced_on"],
    }
    if not before:
        return not_applicable("Bon de commande signé après le référencement de la Solution.", facts)
    if complete is None:
        limit = signed + timedelta(days=days)
        if ctx.filed_on > limit:
            return failed(
                f"Bon de commande conditionnel signé le {fr(signed)} : aucun dossier complet de référencement "
                f"n'a été déposé dans les {days} jours (au plus tard le {fr(limit)}).",
                facts,
            )
        return unknown(
            f"Bon de commande conditionnel : le dossier complet de référencement doit être déposé au plus tard "
            f"le {fr(limit)}.",
            facts,
        )
    gap = (complete - signed).days
    facts["days_before_complete_dossier"] = gap
    if gap > days:
        return failed(
            f"Bon de commande signé {gap} jours avant le dépôt du dossier complet de référencement "
            f"({fr(complete)}) : plus de {days} jours calendaires.",
            facts,
        )
    return passed(facts)


@rule("4.3", *BOTH)
def conditional_order_carries_mention(ctx):
    """§4.3 : signé avant le référencement, le bon de commande « doit faire apparaître la mention " Bon de
    commande conditionné à l'obtention par le logiciel du référencement ANS […] " »."""
    before = signed_before_referencing(ctx)
    value = ctx.order["mention_conditional_referencing"]
    facts = {"order.mention_conditional_referencing": value}
    if not before:
        return not_applicable("Bon de commande signé après le référencement de la Solution.", facts)
    if not value:
        return failed(
            "Bon de commande signé avant le référencement : la mention « Bon de commande conditionné à "
            "l'obtention par le logiciel du référencement ANS… » est obligatoire.",
            facts,
        )
    return passed(facts)


def _declared_obsolete_within_section_4_3(ctx, version: dict, facts: dict):
    facts = {**facts, **{f"order.client_version.{key}": value for key, value in version.items()}}
    date_0 = ctx.cal.date_0
    faults, missing = [], []
    announced = announced_before_date_0(version["end_announced_on"], date_0)
    if announced is None:
        missing.append("date à laquelle l'arrêt de commercialisation ou de maintenance a été rendu public")
    elif not announced:
        faults.append(f"arrêt de commercialisation ou de maintenance rendu public le {fr(version['end_announced_on'])}, "
                      f"pas avant la Date 0 ({fr(date_0)})")  # fmt: skip
    latest = is_latest_in_production(version["version"], version["latest_in_production_at_date_0"])
    if latest is None:
        missing.append("version la plus récente installée en production à la Date 0")
    elif latest:
        faults.append("c'est la version la plus récente installée en production à la Date 0")
    vague_1 = is_vague_1_or_later(version["version_rank"], version["vague_1_version_rank"])
    if vague_1 is None:
        missing.append("rang de la version du Client")
    elif vague_1:
        faults.append("c'est la version référencée en vague 1 ou une version ultérieure")
    if faults:
        return failed(
            f"La version du Client ({version['version']}) ne peut être déclarée obsolète (§4.3) : "
            + " ; ".join(faults)
            + " ; un rattrapage de version payant n'est donc pas admis.",
            facts,
        )
    if missing:
        return unknown(
            "Rattrapage de version payant : la déclaration d'obsolescence ne peut être vérifiée, il manque : "
            + " ; ".join(missing)
            + ".",
            facts,
        )
    return passed(facts)


# Obsolete-version declarations: the §4.3 conditions, read by the dossier's rule above and by the
# ruleset "obsolete_version" of the ANS registry.


def announced_before_date_0(end_announced_on, date_0) -> bool | None:
    """« rendue publique l'information d'arrêt […] antérieurement à la Date 0 » (strictly before)."""
    return None if end_announced_on is None else end_announced_on < date_0


def is_latest_in_production(version, latest) -> bool | None:
    return None if version is None or latest is None else version == latest


def is_vague_1_or_later(rank, vague_1_rank) -> bool | None:
    """« la version […] référencée en vague 1 et les versions ultérieures » ; no vague 1 version: never."""
    if vague_1_rank is None:
        return False
    return None if rank is None else rank >= vague_1_rank


@rule("4.3", "obsolete_version")
def obsolescence_made_public_before_date_0(ctx):
    """§4.3 : « l'Editeur ne peut déclarer une version comme obsolète qu'à la condition d'avoir rendue
    publique l'information d'arrêt de commercialisation ou d'arrêt de maintenance antérieurement à la
    Date 0 »."""
    public_on = ctx.declaration["end_announced_on"]
    facts = {"end_announced_on": public_on, "date_0": ctx.cal.date_0}
    announced = announced_before_date_0(public_on, ctx.cal.date_0)
    if announced is None:
        return failed("L'arrêt de commercialisation ou de maintenance n'a pas été rendu public.", facts)
    if not announced:
        return failed(
            f"L'arrêt de commercialisation ou de maintenance a été rendu public le {fr(public_on)}, pas avant la "
            f"Date 0 ({fr(ctx.cal.date_0)}).",
            facts,
        )
    return passed(facts)


@rule("4.3", "obsolete_version")
def not_every_version_existing_at_date_0(ctx):
    """§4.3 : « l'Editeur ne peut déclarer obsolète l'intégralité des versions de la Solution logicielle
    existantes à la Date 0 »."""
    existing = set(ctx.declaration["versions_at_date_0"])
    obsolete = set(ctx.declaration["already_obsolete"]) | {ctx.declaration["version"]}
    facts = {"versions_at_date_0": sorted(existing), "obsolete_after": sorted(obsolete & existing)}
    if existing and existing <= obsolete:
        return failed("Toutes les versions existantes à la Date 0 seraient déclarées obsolètes.", facts)
    return passed(facts)


@rule("4.3", "obsolete_version")
def not_latest_version_in_production_at_date_0(ctx):
    """§4.3 : « a minima, la version la plus récente installée en production à la Date 0 ne peut être
    déclarée obsolète »."""
    version = ctx.declaration["version"]
    latest = ctx.declaration["latest_in_production_at_date_0"]
    facts = {"version": version, "latest_in_production_at_date_0": latest}
    is_latest = is_latest_in_production(version, latest)
    if is_latest is None:
        return unknown(
            "Version la plus récente installée en production à la Date 0 non renseignée : la déclaration ne "
            "peut être vérifiée.",
            facts,
        )
    if is_latest:
        return failed(
            "La version la plus récente installée en production à la Date 0 ne peut être obsolète.", facts
        )
    return passed(facts)


@rule("4.3", "obsolete_version")
def not_vague_1_version_or_later(ctx):
    """§4.3 : « la version de la Solution logicielle référencée en vague 1 et les versions ultérieures ne
    peuvent être déclarées comme obsolètes »."""
    rank = ctx.declaration["version_rank"]
    vague_1 = ctx.declaration["vague_1_version_rank"]
    facts = {"version_rank": rank, "vague_1_version_rank": vague_1}
    if vague_1 is None:
        return not_applicable("Aucune version référencée en vague 1.", facts)
    if is_vague_1_or_later(rank, vague_1):
        return failed(
            "La version référencée en vague 1 et les versions ultérieures ne peuvent être obsolètes.", facts
        )
    return passed(facts)

"""§4.1 conditions on the supplier, §6 and §6.1 its enrolment with the ASP."""

from __future__ import annotations

from .core import confirmed, failed, not_applicable, passed, rule, unknown

BOTH = ("advance", "balance")
WITH_ENROLMENT = (*BOTH, "enrolment")


@rule("4.1", *WITH_ENROLMENT)
def supplier_is_publisher_or_declared_distributor(ctx):
    """§4.1 : le Fournisseur est « soit un Editeur […] soit un distributeur […] dûment déclaré comme tel
    auprès de l'ANS par l'Editeur de la Solution logicielle »."""
    s = ctx.supplier
    facts = {"supplier.role": s["role"], "supplier.declared_by_publisher": s["declared_by_publisher"]}
    if s["role"] == "publisher":
        return passed(facts)
    if s["declared_by_publisher"] is None:
        return unknown("Déclaration du distributeur à l'ANS par l'Éditeur non renseignée.", facts)
    if not s["declared_by_publisher"]:
        return failed(
            "Le distributeur n'a pas été déclaré auprès de l'ANS par l'Éditeur de la Solution.", facts
        )
    return passed(facts)


@rule("4.1", *WITH_ENROLMENT)
def distributor_holds_publisher_mandate(ctx):
    """§4.1 : le distributeur dispose « d'un mandat établi par » l'Éditeur."""
    s = ctx.supplier
    facts = {"supplier.role": s["role"], "supplier.publisher_mandate": s["publisher_mandate"]}
    if s["role"] == "publisher":
        return not_applicable("Le Fournisseur est l'Éditeur de la Solution.", facts)
    if s["publisher_mandate"] is None:
        return unknown("Mandat de l'Éditeur au distributeur non renseigné.", facts)
    if not s["publisher_mandate"]:
        return failed("Le distributeur ne dispose pas d'un mandat établi par l'Éditeur.", facts)
    return passed(facts)


MARKET_REFUSALS = {
    "self_edited": "Solution autoéditée, destinée à l'usage exclusif de l'opérateur qui l'édite : distribuée hors "
    "marché, inéligible.",
    "members_only": "Solution destinée exclusivement aux membres du groupement qui l'édite : distribuée hors "
    "marché, inéligible.",
}


@rule("4.1", *WITH_ENROLMENT)
def solution_sold_on_competitive_market(ctx):
    """§4.1 : « la Solution logicielle référencée doit effectivement être proposée à la commercialisation
    sur un marché concurrentiel »."""
    market = ctx.solution["market"]
    facts = {"solution.market": market}
    if market is None:
        return unknown("Mode de commercialisation de la Solution non renseigné.", facts)
    if market in MARKET_REFUSALS:
        return failed(MARKET_REFUSALS[market], facts)
    return passed(facts)


@rule("4.1", *WITH_ENROLMENT)
def supplier_has_psc_user_service_operator_habilitation(ctx):
    """§4.1 : « le Fournisseur doit disposer de l'habilitation " Opérateur de service utilisateur " de
    l'espace de confiance Pro Santé Connect »."""
    return confirmed(
        "supplier.psc_user_service_operator",
        ctx.supplier["psc_user_service_operator"],
        "Habilitation Pro Santé Connect « Opérateur de service utilisateur » non renseignée.",
        "Le Fournisseur ne dispose pas de l'habilitation « Opérateur de service utilisateur » de l'espace de "
        "confiance Pro Santé Connect.",
    )


ENROLMENT_MESSAGES = {
    "none": "Le Fournisseur n'est pas enrôlé auprès de l'ASP.",
    "filed": "La demande d'enrôlement du Fournisseur n'est pas encore validée par l'ASP.",
    "rejected": "L'enrôlement du Fournisseur a été rejeté par l'ASP.",
}


@rule("6", *BOTH)
def supplier_enrolment_validated(ctx):
    """§6 point 1 et §6.2 : « tout dépôt d'une demande de financement est subordonné à l'enrôlement du
    Fournisseur auprès de l'ASP » ; « son enrôlement a été validé par l'ASP »."""
    enrolment = ctx.supplier["enrolment"]
    facts = {"supplier.enrolment": enrolment}
    if enrolment is None:
        return unknown("État de l'enrôlement du Fournisseur non renseigné.", facts)
    if enrolment != "validated":
        return failed(ENROLMENT_MESSAGES[enrolment], facts)
    return passed(facts)


# §6.1 — the enrolment request itself (ruleset "enrolment"): the §4.1 rules above apply to it too.


@rule("6.1", "enrolment")
def enrolment_after_candidature_validated(ctx):
    """§6.1 : le Fournisseur peut soumettre sa demande d'enrôlement « dès que la candidature de la Solution
    logicielle qu'il édite ou qu'il distribue a été validée par l'ANS »."""
    return confirmed(
        "candidature_validated",
        ctx.solution["candidature_validated"],
        "Validation de la candidature de la Solution par l'ANS non renseignée.",
        "La candidature de la Solution n'a pas été validée par l'ANS.",
    )


@rule("6.1", "enrolment")
def enrolment_health_data_hosting_justified(ctx):
    """§6.1 : hébergement ou SaaS sous la responsabilité du Fournisseur → certificat(s) HDS ; « dans le cas
    contraire », une déclaration sur l'honneur."""
    hosts = ctx.supplier["hosts_health_data"]
    certificates = ctx.supplier["hds_certificates"]
    sworn = ctx.supplier["sworn_statement"]
    facts = {"hosts_health_data": hosts, "hds_certificates": list(certificates), "sworn_statement": sworn}
    if hosts is None:
        return unknown("Hébergement de données de santé (ou mode SaaS) non renseigné.", facts)
    if hosts:
        if not certificates:
            return failed(
                "Le Fournisseur héberge des données de santé ou fournit un service SaaS : le(s) certificat(s) HDS "
                "sont à joindre.",
                facts,
            )
        return passed(facts)
    if not sworn:
        return failed("Aucun hébergement déclaré : la déclaration sur l'honneur est à joindre.", facts)
    return passed(facts)

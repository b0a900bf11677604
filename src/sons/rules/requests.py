"""§6.2 advance request, §6.3 pilot, §6.4 and §4.4 balance request."""

from __future__ import annotations

from .codes import VA_KEY_FUNCTIONS
from .core import (
    BLOCKING,
    INFO,
    WARNING,
    computation,
    confirmed,
    failed,
    not_applicable,
    passed,
    rule,
    unknown,
)
from .money import ZERO
from .order import fr

BOTH = ("advance", "balance")


def referenced_at(ctx, day) -> bool:
    solution = ctx.solution
    if solution["referencing"] != "granted":
        return False
    return solution["referenced_on"] is None or solution["referenced_on"] <= day


@computation("6.2", "advance", step=8, severity=INFO)
def advance_exception_for_delayed_referencing(ctx):
    """§6.2 « Par exception » : dossier complet de référencement déposé avant la Date 2, décision de
    l'ANS non prononcée quinze jours avant la Date 4 → les demandes « correspondant aux commandes conclues
    à cette date » (signées au plus tard quinze jours avant la Date 4) sont recevables à partir de cette
    date et jusqu'à la Date 4, « sous réserve d'une décision de référencement »."""
    solution = ctx.solution
    cal = ctx.cal
    complete = solution["complete_dossier_on"]
    referencing = solution["referencing"]
    facts = {
        "solution.complete_dossier_on": complete,
        "solution.referencing": referencing,
        "solution.referenced_on": solution["referenced_on"],
        "date_2": cal.date_2,
        "exception_from": cal.exception_from,
        "date_4": cal.date_4,
        "filed_on": ctx.filed_on,
        "order.signed_on": ctx.order["signed_on"],
    }
    ctx.exception_applies = False
    if referenced_at(ctx, ctx.filed_on) or referencing in ("refused", "withdrawn"):
        return not_applicable(
            "L'exception ne vise que les Solutions en attente de décision de référencement.", facts
        )
    if complete is None or complete >= cal.date_2:
        return not_applicable("Dossier complet de référencement non déposé avant la Date 2.", facts)
    decided_on = solution["referenced_on"]
    if decided_on is not None and decided_on <= cal.exception_from:
        return not_applicable(
            "Décision de référencement prononcée au plus tard quinze jours avant la Date 4.", facts
        )
    if not cal.exception_from <= ctx.filed_on <= cal.date_4:
        return not_applicable(
            f"L'exception ne permet le dépôt qu'entre le {fr(cal.exception_from)} et la Date 4 ({fr(cal.date_4)}).",
            facts,
        )
    signed = ctx.order["signed_on"]
    if signed is None or signed > cal.exception_from:
        return not_applicable(
            f"L'exception ne vaut que pour les commandes conclues au plus tard le {fr(cal.exception_from)} "
            "(quinze jours avant la Date 4).",
            facts,
        )
    ctx.exception_applies = True
    note = (
        "Exception de la section 6.2 : demande recevable sous réserve de la décision de référencement de l'ANS."
        if referencing != "granted"
        else "Exception de la section 6.2 : demande déposée dans l'attente du référencement, accordé depuis."
    )
    return passed(facts, note=note, value=True)


@rule("6.2", *BOTH)
def solution_referenced(ctx):
    """§6.2 : « la Solution logicielle objet de la Prestation Ségur a obtenu son référencement auprès de
    l'ANS » ; §4.1 et §7 : un référencement refusé ou retiré exclut tout financement."""
    solution = ctx.solution
    referencing = solution["referencing"]
    facts = {
        "solution.referencing": referencing,
        "solution.referenced_on": solution["referenced_on"],
        "filed_on": ctx.filed_on,
    }
    if referencing is None:
        return unknown("État du référencement de la Solution non renseigné.", facts)
    if referencing == "refused":
        return failed("Le référencement de la Solution a été refusé par l'ANS.", facts)
    if referencing == "withdrawn":
        return failed("Le référencement de la Solution a été retiré par l'ANS.", facts)
    if referencing == "granted" and solution["referenced_on"] is None:
        # The order's conditional mention (§4.3) and the filing's order both depend on that date.
        return unknown(
            "Référencement accordé à une date non renseignée : la date de la décision est requise.", facts
        )
    if referenced_at(ctx, ctx.filed_on):
        return passed(facts)
    if ctx.request == "advance" and ctx.exception_applies:
        return passed(facts)
    if referencing == "granted":
        return failed(
            f"La demande a été déposée le {fr(ctx.filed_on)}, avant le référencement de la Solution "
            f"({fr(solution['referenced_on'])}).",
            facts,
        )
    return failed("La Solution n'a pas (encore) obtenu son référencement auprès de l'ANS.", facts)


@rule("6.2", "advance")
def advance_request_filed_no_later_than_date_4(ctx):
    """§2 et §6.2 : « le dépôt d'une demande de financement et de versement de l'avance ne peut se faire
    au-delà de la Date 4 »."""
    facts = {"filed_on": ctx.filed_on, "date_4": ctx.cal.date_4}
    if ctx.filed_on > ctx.cal.date_4:
        return failed(
            f"Demande d'avance déposée le {fr(ctx.filed_on)}, après la Date 4 ({fr(ctx.cal.date_4)}) : irrecevable.",
            facts,
        )
    return passed(facts)


@rule("6.2", "advance")
def advance_request_after_order_signed(ctx):
    """§6.2 : la demande n'est déposée « qu'après » que le Fournisseur « a obtenu auprès d'un Client une
    commande conforme »."""
    signed = ctx.order["signed_on"]
    facts = {"order.signed_on": signed, "filed_on": ctx.filed_on}
    if signed is None:
        return not_applicable("Date de signature inconnue.", facts)
    if signed > ctx.filed_on:
        return failed(
            f"La demande a été déposée le {fr(ctx.filed_on)}, avant la signature du bon de commande "
            f"({fr(signed)}).",
            facts,
        )
    return passed(facts)


# §6.3 — the pilot


@rule("6.3", "balance")
def supplier_pilot_validated(ctx):
    """§6.3 : « le Fournisseur ne peut déposer de demande de versement du solde avant d'avoir justifié de la
    réalisation complète et conforme de premières Prestations Ségur sur un périmètre pilote »."""
    return confirmed(
        "supplier.pilot_validated",
        ctx.supplier["pilot_validated"],
        "Validation du périmètre pilote par l'ANS non renseignée.",
        "Le périmètre pilote du Fournisseur n'a pas été validé par l'ANS.",
    )


@rule("6.3", "pilot")
def pilot_has_required_number_of_distinct_clients(ctx):
    """§6.3 : « ce périmètre pilote est constitué de 5 Clients librement choisis par le Fournisseur »."""
    clients = [c["client"] for c in ctx.pilot["clients"]]
    size = ctx.p.pilot_size
    facts = {"clients": clients, "pilot_size": size}
    if len(set(clients)) != len(clients):
        return failed("Le périmètre pilote comporte plusieurs fois le même Client.", facts)
    if len(clients) != size:
        return failed(
            f"Le périmètre pilote doit compter {size} Clients distincts ; il en compte {len(clients)}.", facts
        )
    return passed(facts)


@rule("6.3", "pilot")
def pilot_clients_have_validated_advances(ctx):
    """§6.3 : « dès lors que les demandes de financement et de paiement de l'avance ont été déposées par le
    Fournisseur, et validées par l'ASP pour les 5 Clients concernés »."""
    pending = [c["client"] for c in ctx.pilot["clients"] if not c["advance_validated"]]
    facts = {"without_validated_advance": pending}
    if pending:
        return failed("Avance non validée par l'ASP pour : " + ", ".join(pending) + ".", facts)
    return passed(facts)


@rule("6.3", "pilot")
def pilot_pv_signed_by_each_client(ctx):
    """§6.3 : le Fournisseur établit un procès-verbal d'installation pilote « et le fait signer par le Client
    concerné »."""
    unsigned = [c["client"] for c in ctx.pilot["clients"] if not c["pv_signed"]]
    facts = {"without_signed_pv": unsigned}
    if unsigned:
        return failed("PV d'installation pilote non signé par : " + ", ".join(unsigned) + ".", facts)
    return passed(facts)


@rule("6.3", "pilot")
def pilot_training_materials_sent(ctx):
    """§6.3 : « Le Fournisseur transmet également à l'ANS une copie de l'ensemble des supports de formations
    mentionnés en section 3 »."""
    sent = ctx.pilot["training_materials_sent"]
    facts = {"training_materials_sent": sent}
    if not sent:
        return failed("Les supports de formation n'ont pas été transmis à l'ANS.", facts)
    return passed(facts)


# §6.4 and §4.4 — the balance request


@rule("6.4", "balance")
def balance_advance_validated(ctx):
    """§6.4 : « la demande de financement et de versement de l'avance correspondante a été validée par
    l'ASP »."""
    return confirmed(
        "balance.advance_validated",
        ctx.balance["advance_validated"],
        "Validation de la demande d'avance non renseignée.",
        "La demande d'avance correspondante n'a pas été validée par l'ASP.",
    )


@rule("6.4", "balance")
def service_completed_no_later_than_date_5(ctx):
    """§4.4 et §6.4 : la Prestation Ségur « a été intégralement réalisée […] et au plus tard à la Date 5 »,
    avant le dépôt de la demande de solde."""
    completed = ctx.balance["completed_on"]
    facts = {"balance.completed_on": completed, "date_5": ctx.cal.date_5, "filed_on": ctx.filed_on}
    if completed is None:
        return unknown("Date de réalisation de la Prestation non renseignée.", facts)
    if completed > ctx.cal.date_5:
        return failed(
            f"Prestation réalisée le {fr(completed)}, après la Date 5 ({fr(ctx.cal.date_5)}).", facts
        )
    if completed > ctx.filed_on:
        return failed(
            f"La demande de solde a été déposée le {fr(ctx.filed_on)}, avant la réalisation de la Prestation "
            f"({fr(completed)}).",
            facts,
        )
    return passed(facts)


@rule("6.4", "balance")
def balance_request_filed_no_later_than_date_6(ctx):
    """§2 et §6.4 : « le dépôt de la demande de versement du solde ne peut se faire au-delà de la Date 6 »."""
    facts = {"filed_on": ctx.filed_on, "date_6": ctx.cal.date_6}
    if ctx.filed_on > ctx.cal.date_6:
        return failed(
            f"Demande de solde déposée le {fr(ctx.filed_on)}, après la Date 6 ({fr(ctx.cal.date_6)}) : irrecevable.",
            facts,
        )
    return passed(facts)


@rule("6.4", "balance")
def balance_after_date_5_requires_end_of_service_attestation(ctx):
    """§4.4 et §6.4 : si à la Date 5 la demande de solde n'est pas déposée, le Fournisseur « doit
    impérativement déclarer […] l'achèvement de la Prestation Ségur au plus tard à cette Date 5, sous la
    forme d'une attestation de fin de Prestation »."""
    attested = ctx.balance["end_of_service_attested_on"]
    facts = {
        "filed_on": ctx.filed_on,
        "date_5": ctx.cal.date_5,
        "balance.end_of_service_attested_on": attested,
    }
    if ctx.filed_on <= ctx.cal.date_5:
        return not_applicable("Demande de solde déposée au plus tard à la Date 5.", facts)
    if attested is None:
        return failed(
            f"Demande de solde déposée après la Date 5 ({fr(ctx.cal.date_5)}) sans attestation de fin de Prestation.",
            facts,
        )
    if attested > ctx.cal.date_5:
        return failed(
            f"L'attestation de fin de Prestation a été envoyée le {fr(attested)}, après la Date 5 "
            f"({fr(ctx.cal.date_5)}).",
            facts,
        )
    return passed(facts)


@rule("6.4", "balance")
def va_signed_with_allowed_method(ctx):
    """§6.4 : la VA est « signée par un représentant du Client de façon manuscrite ou électronique »
    (CPx, Pro Santé Connect, RGS 1 étoile, eIDAS simple au minimum)."""
    va = ctx.balance["va"]
    facts = {"balance.va.signed_on": va["signed_on"], "balance.va.signature": va["signature"]}
    if va["signed_on"] is None:
        return failed("La VA n'est pas signée (date de signature absente).", facts)
    if va["signature"] is None:
        return unknown("Mode de signature de la VA non renseigné.", facts)
    if va["signature"] not in ctx.p.signature_methods:
        return failed("La VA n'est pas signée par le Client selon un mode admis.", facts)
    return passed(facts)


@rule("4.4", "balance")
def va_attests_key_functions(ctx):
    """§4.4 : la VA atteste « la bonne disponibilité des fonctions clés de la Solution logicielle »."""
    attested = set(ctx.balance["va"]["functions"])
    missing = [VA_KEY_FUNCTIONS.label(code) for code in ctx.p.va_key_functions if code not in attested]
    facts = {"balance.va.functions": sorted(attested)}
    if missing:
        return failed("La VA n'atteste pas les fonctions clés : " + " ; ".join(missing) + ".", facts)
    return passed(facts)


@rule("4.4", "balance")
def invoice_in_client_name(ctx):
    """§4.4 : « Le Fournisseur établit une facture, libellée au nom du Client »."""
    return confirmed(
        "balance.invoice.in_client_name",
        ctx.balance["invoice"]["in_client_name"],
        "Libellé de la facture au nom du Client non renseigné.",
        "La facture n'est pas libellée au nom du Client.",
    )


@rule("4.4", "balance")
def invoice_amount_not_zero(ctx):
    """§4.4 : « le montant de la Prestation Ségur doit impérativement figurer sur la facture
    correspondante, dont le total ne peut donc apparaître égal à zéro »."""
    amount = ctx.balance["invoice"]["amount"]
    facts = {"balance.invoice.amount": amount}
    if amount is None:
        return failed("Le montant de la Prestation Ségur ne figure pas sur la facture.", facts)
    if amount <= ZERO:
        return failed("Le total de la facture ne peut être égal à zéro.", facts)
    return passed(facts)


@rule("4.4", "balance")
def invoice_issued_after_va_signed(ctx):
    """§4.4 : la facture est établie « suite à la réalisation de la Prestation Ségur après la signature de
    la VA » (le jour même est admis : les dates sont au jour)."""
    issued = ctx.balance["invoice"]["issued_on"]
    va_signed = ctx.balance["va"]["signed_on"]
    facts = {"balance.invoice.issued_on": issued, "balance.va.signed_on": va_signed}
    if issued is None:
        return unknown("Date d'émission de la facture non renseignée.", facts)
    if va_signed is None:
        return not_applicable("VA non signée.", facts)
    if issued < va_signed:
        return failed(
            f"La facture a été émise le {fr(issued)}, avant la signature de la VA ({fr(va_signed)}).", facts
        )
    return passed(facts)


@rule("4.4", "balance", severity=BLOCKING, if_unknown=WARNING)
def training_delivered_for_balance(ctx):
    """§4.4 : les formations « demeurent exigibles pour le versement du solde, conformément aux dispositions de
    l'annexe " Contenu des formations " » ; §3.1 : la Prestation Ségur couvre la formation des utilisateurs."""
    delivered = ctx.balance["training_delivered"]
    facts = {"balance.training_delivered": delivered}
    if delivered is None:
        return unknown(
            "Réalisation des formations non déclarée : elles sont exigibles pour le versement du solde (§4.4) "
            "et doivent être vérifiées.",
            facts,
        )
    if not delivered:
        return failed("Les formations des utilisateurs n'ont pas été réalisées : elles sont exigibles pour le "
                      "versement du solde.", facts)  # fmt: skip
    return passed(facts)


# The chronology of a dossier (§2, §4.3, §4.4, §6.4).


@rule("6.4", *BOTH)
def dossier_dates_in_order(ctx):
    """§4.3, §4.4, §6.4 et §2 : le bon de commande est émis puis signé ; la Prestation est réalisée
    « conformément aux dispositions du bon de commande », donc après sa signature ; l'attestation de fin de
    Prestation suit la réalisation qu'elle déclare ; une demande « contenant » ses pièces, « réputée effectuée
    à la date à laquelle elle a été reçue », ne peut contenir une pièce datée d'après son dépôt (le même jour
    est admis partout)."""
    order, filed = ctx.order, ctx.filed_on
    issued, signed = order["issued_on"], order["signed_on"]
    # (what comes first, its date, what follows, its date); an unknown date is another rule's finding, and
    # so are an advance filed before its order's signature and a balance filed before the completion.
    steps = [
        ("émission du bon de commande", issued, "sa signature", signed),
        ("émission du bon de commande", issued, "le dépôt", filed),
    ]
    facts = {"filed_on": filed, "order.issued_on": issued, "order.signed_on": signed}
    if ctx.request == "balance":
        balance = ctx.balance
        completed, attested = balance["completed_on"], balance["end_of_service_attested_on"]
        va_signed, invoiced = balance["va"]["signed_on"], balance["invoice"]["issued_on"]
        facts.update({"balance.completed_on": completed, "balance.end_of_service_attested_on": attested,
                      "balance.va.signed_on": va_signed, "balance.invoice.issued_on": invoiced})  # fmt: skip
        steps += [
            ("signature du bon de commande", signed, "la réalisation de la Prestation", completed),
            ("réalisation de la Prestation", completed, "l'attestation de fin de Prestation", attested),
            ("signature du bon de commande", signed, "le dépôt", filed),
            ("signature de la VA", va_signed, "le dépôt", filed),
            ("émission de la facture", invoiced, "le dépôt", filed),
            ("attestation de fin de Prestation", attested, "le dépôt", filed),
        ]
    faults = []
    for first, first_on, then, then_on in steps:
        if first_on is not None and then_on is not None and first_on > then_on:
            faults.append(f"{first} le {fr(first_on)}, après {then} du {fr(then_on)}")
    if faults:
        return failed("Chronologie du dossier impossible : " + " ; ".join(faults) + ".", facts)
    return passed(facts)


@rule("4.4", "balance", severity=WARNING)
def va_signed_after_completion(ctx):
    """§4.4 : la VA est établie « une fois la Prestation Ségur réalisée » ; signée avant la réalisation déclarée,
    elle n'est qu'un avertissement, l'activation de l'Ordonnance numérique pouvant « intervenir à une date
    postérieure à la réception de la Prestation Ségur par le Client »."""
    completed = ctx.balance["completed_on"]
    va_signed = ctx.balance["va"]["signed_on"]
    facts = {"balance.completed_on": completed, "balance.va.signed_on": va_signed}
    if completed is None or va_signed is None:
        return not_applicable("Date de réalisation ou de signature de la VA inconnue.", facts)
    if va_signed < completed:
        return failed(
            f"La VA a été signée le {fr(va_signed)}, avant la date de réalisation déclarée ({fr(completed)}).",
            facts,
        )
    return passed(facts)

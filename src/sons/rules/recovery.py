"""§7 recovery of undue payments: grounds, then formal notice before any repayment order."""

from __future__ import annotations

from datetime import timedelta

from .core import computation, computed, not_applicable, passed
from .money import ZERO, euros
from .order import fr


@computation("7", "recovery", step=1)
def recovery_service_not_completed_at_date_5(ctx):
    """§7 : « prestation non réalisée à la date 5 : dans ce cas, le Fournisseur devra reverser le montant
    perçu au titre de l'avance » ; §4.4 : déclaration d'incapacité à réaliser la Prestation."""
    f = ctx.facts
    date_5 = ctx.cal.date_5
    facts = {
        "today": ctx.today,
        "date_5": date_5,
        "advance_paid": euros(f["advance_paid"]),
        "balance_filed_on": f["balance_filed_on"],
        "end_of_service_attested_on": f["end_of_service_attested_on"],
        "incapacity_declared_on": f["incapacity_declared_on"],
    }
    if f["advance_paid"] <= ZERO:
        return not_applicable("Aucune avance versée.", facts)
    if f["incapacity_declared_on"] is not None:
        ctx.grounds["incapacity"] = f["advance_paid"]
        return computed(
            euros(f["advance_paid"]), facts, note="Incapacité déclarée : l'avance est à reverser."
        )
    if ctx.today <= date_5:
        return not_applicable(f"La Date 5 ({fr(date_5)}) n'est pas passée.", facts)
    filed = f["balance_filed_on"]
    attested = f["end_of_service_attested_on"]
    if (filed is not None and filed <= date_5) or (attested is not None and attested <= date_5):
        return passed(facts)
    ctx.grounds["not_completed_at_date_5"] = f["advance_paid"]
    return computed(
        euros(f["advance_paid"]),
        facts,
        note=f"Ni demande de solde ni attestation de fin de Prestation à la Date 5 ({fr(date_5)}) : "
        "l'avance est à reverser.",
    )


@computation("7", "recovery", step=2)
def recovery_erroneous_declaration(ctx):
    """§7 : « constatation suite à contrôle a posteriori d'une déclaration erronée du Fournisseur » :
    reversement de « tout ou partie de la somme reçue sur la base de cette déclaration erronée »."""
    amount = ctx.facts["erroneous_declaration_amount"]
    facts = {"erroneous_declaration_amount": euros(amount)}
    if amount is None:
        return not_applicable("Aucune déclaration erronée constatée.", facts)
    ctx.grounds["erroneous_declaration"] = min(amount, ctx.paid)
    return computed(euros(ctx.grounds["erroneous_declaration"]), facts, note="Déclaration erronée constatée.")


@computation("7", "recovery", step=3)
def recovery_referencing_withdrawn(ctx):
    """§7 : « décision par l'ANS de retrait du référencement de la solution » : reversement de
    « l'intégralité de la somme reçue »."""
    withdrawn = ctx.facts["referencing_withdrawn_on"]
    facts = {"referencing_withdrawn_on": withdrawn, "paid": euros(ctx.paid)}
    if withdrawn is None or ctx.paid <= ZERO:
        return not_applicable("Pas de retrait de référencement, ou rien de versé.", facts)
    ctx.grounds["referencing_withdrawn"] = ctx.paid
    return computed(
        euros(ctx.paid), facts, note="Référencement retiré : la totalité des sommes versées est à reverser."
    )


@computation("7", "recovery", step=4)
def recovery_advance_above_invoice(ctx):
    """§7 et §5.1 : une avance versée au-delà du montant finalement facturé (le financement est ramené au
    montant facturé) est une somme perçue à reverser pour l'excédent."""
    excess = ctx.facts.get("advance_to_recover")
    facts = {"advance_to_recover": euros(excess)}
    if excess is None or excess <= ZERO:
        return not_applicable("Aucune avance versée au-delà du montant facturé.", facts)
    ctx.grounds["invoice_below_advance"] = min(excess, ctx.paid)
    return computed(
        euros(ctx.grounds["invoice_below_advance"]),
        facts,
        note="Facture inférieure à l'avance versée : l'excédent d'avance est à reverser.",
    )


@computation("7", "recovery", step=5)
def formal_notice_precedes_repayment_order(ctx):
    """§7 : l'ASP, « après avoir mis en demeure de façon infructueuse le Fournisseur de remédier aux
    manquements constatés ou de présenter ses observations dans un délai raisonnable, ordonne le
    reversement de tout ou partie des sommes perçues »."""
    f = ctx.facts
    notice = f["formal_notice_sent_on"]
    delay = ctx.p.formal_notice_days
    facts = {
        "grounds": sorted(ctx.grounds),
        "formal_notice_sent_on": notice,
        "delay_days": delay,
        "remedied": f["remedied"],
        "today": ctx.today,
    }
    if not ctx.grounds:
        ctx.step = "none"
        return not_applicable("Aucun motif de reversement.", facts)
    if f["remedied"]:
        ctx.step = "cancelled"
        return computed(
            ctx.step, facts, note="Manquement corrigé ou observations admises : reversement abandonné."
        )
    if notice is None:
        ctx.step = "formal_notice"
        return computed(
            ctx.step, facts, note="Mise en demeure à adresser au Fournisseur avant tout ordre de reversement."
        )
    ends = notice + timedelta(days=delay)
    facts["delay_ends_on"] = ends
    if ctx.today <= ends:
        ctx.step = "awaiting_observations"
        return computed(ctx.step, facts, note=f"Délai de la mise en demeure en cours jusqu'au {fr(ends)}.")
    ctx.step = "repayment_order"
    return computed(ctx.step, facts, note="Mise en demeure infructueuse : ordre de reversement.")

"""Dossiers and other objects as the API shows them."""

from sons.dossiers.deadlines import deadlines_of
from sons.dossiers.enums import DossierState
from sons.dossiers.models import Dossier
from sons.rules.money import euros


def dossier_out(dossier: Dossier, detail: bool = False) -> dict:
    deadlines = deadlines_of(dossier)
    data = {
        "id": dossier.pk,
        "state": dossier.state,
        "state_label": DossierState(dossier.state).label,
        "client_kind": dossier.client_kind,
        "rpps": dossier.rpps,
        "finess_geo": dossier.finess_geo,
        "solution_version_id": dossier.solution_version_id,
        "supplier_reference": dossier.supplier_reference,
        "decision": dossier.decision,
        "findings": [*dossier.findings, *dossier.directory_alerts],
        "amounts": {
            "cap": euros(dossier.cap),
            "financed": euros(dossier.financed),
            "advance": euros(dossier.advance_amount),
            "balance": euros(dossier.balance_amount),
            "paid_advance": euros(dossier.paid_advance),
            "paid_balance": euros(dossier.paid_balance),
            "recovered": euros(dossier.recovered),
        },
        "advance_filed_on": dossier.advance_filed_on,
        "balance_filed_on": dossier.balance_filed_on,
        "next_deadline": deadlines.get("next"),
    }
    if detail:
        data["deadlines"] = {k: v for k, v in deadlines.items() if k != "next"}
        data["history"] = [
            {"id": t.pk, "name": t.name, "from_state": t.from_state, "to_state": t.to_state, "actor": t.actor_label,
             "at": t.at.isoformat(), "reason": t.reason}
            for t in dossier.transitions.all()
        ]  # fmt: skip
        data["messages"] = [
            {"kind": m.kind, "author": m.author_label, "body": m.body, "at": m.at.isoformat()}
            for m in dossier.messages.all()
        ]
    return data

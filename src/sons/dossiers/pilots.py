"""The pilot perimeter (§6.3): five clients with validated advances, their PVs, the training materials."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from sons import clock
from sons.audit.journal import record
from sons.errors import Conflict, Invalid
from sons.rules import evaluate_pilot
from sons.suppliers.enums import Role
from sons.suppliers.perms import Principal

from .enums import ADVANCE_VALIDATED_STATES
from .models import Dossier, Pilot, PilotClient
from .workflow import PILOT


class PilotRefused(Invalid):
    """The rules found the perimeter not conforming: their findings go with the refusal."""

    code = "rules_refused"

    def __init__(self, findings: list[dict]):
        reasons = "; ".join(f["message"] for f in findings)
        super().__init__(f"Périmètre pilote non conforme : {reasons}", findings=findings)
        self.findings = findings


def submit_pilot(principal: Principal, version_id: int, clients: list[dict], training_materials_sent: bool):
    """`clients` = [{"dossier_id", "pv_signed"}]; refused with the rules' findings when not conforming."""
    principal.require(Role.SUPPLIER_MEMBER)
    ids = [c["dossier_id"] for c in clients]
    dossiers = Dossier.objects.filter(
        supplier=principal.organisation, solution_version_id=version_id
    ).in_bulk(ids)
    facts = {
        "clients": [
            {
                "client": dossiers[c["dossier_id"]].client_key
                if c["dossier_id"] in dossiers
                else f"?{c['dossier_id']}",
                "advance_validated": c["dossier_id"] in dossiers
                and dossiers[c["dossier_id"]].state in ADVANCE_VALIDATED_STATES,
                "pv_signed": bool(c.get("pv_signed")),
            }
            for c in clients
        ],
        "training_materials_sent": training_materials_sent,
    }
    outcome = evaluate_pilot(facts, clock.today())
    findings = [f.as_dict() for f in outcome.findings]
    if not outcome.ok:
        raise PilotRefused(findings)
    try:
        with transaction.atomic():
            pilot = Pilot.objects.create(
                supplier=principal.organisation, solution_version_id=version_id,
                training_materials_sent=training_materials_sent, findings=findings,
            )  # fmt: skip
            PilotClient.objects.bulk_create(
                PilotClient(pilot=pilot, dossier_id=c["dossier_id"], pv_signed=bool(c.get("pv_signed")))
                for c in clients
            )
            record("pilot.submitted", actor=principal.label, target=pilot, payload={"dossiers": ids})
    except IntegrityError:
        raise Conflict("Un périmètre pilote est déjà transmis ou validé pour cette version.") from None
    return pilot


def decide_pilot(principal: Principal, pilot: Pilot, accept: bool, reason: str = "") -> Pilot:
    """The ANS's decision; on validation the solution is published with « premières installations réussies »."""

    def change(locked):
        locked.reason = reason
        locked.decided_at = timezone.now()
        version = locked.solution_version
        if accept and version.first_installations_on is None:
            version.first_installations_on = clock.today()
            version.save(update_fields=["first_installations_on"])

    return PILOT.perform(pilot, "validate" if accept else "refuse", principal, reason, change=change)

"""Enrolment with the ASP (§6.1): filed → to_complete ⇄ filed → validated | rejected."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sons import clock
from sons.audit.journal import record
from sons.errors import Conflict
from sons.rules import evaluate_enrolment

from .enums import EnrolmentState as E
from .enums import Role
from .models import ApiToken, Enrolment, Organisation
from .perms import Principal

ENROLMENT_STEPS = {
    "request_completion": ((E.FILED,), E.TO_COMPLETE, Role.ASP_INSTRUCTOR),
    "complete": ((E.TO_COMPLETE,), E.FILED, Role.SUPPLIER_MEMBER),
    "validate": ((E.FILED,), E.VALIDATED, Role.ASP_INSTRUCTOR),
    "reject": ((E.FILED,), E.REJECTED, Role.ASP_INSTRUCTOR),
}


def file_enrolment(principal: Principal, organisation: Organisation) -> Enrolment:
    with transaction.atomic():
        enrolment = Enrolment.objects.create(organisation=organisation, filed_on=clock.today())
        record("enrolment.filed", actor=principal.label, target=enrolment, payload={})
    return enrolment


def enrolment_facts(organisation: Organisation) -> dict:
    versions = organisation.publisher.solutions.all() if hasattr(organisation, "publisher") else []
    candidature = any(v.candidature_validated for s in versions for v in s.versions.all()) or any(
        v.candidature_validated for d in organisation.distributions.all() for v in d.solution.versions.all()
    )
    distributor = not hasattr(organisation, "publisher")
    declaration = organisation.distributions.first()
    return {
        "supplier": {
            "role": "distributor" if distributor else "publisher",
            "declared_by_publisher": declaration is not None if distributor else None,
            "publisher_mandate": bool(declaration and declaration.mandate) if distributor else None,
            "psc_user_service_operator": organisation.psc_user_service_operator,
            "hosts_health_data": organisation.hosts_health_data,
            "hds_certificates": ["certificat"] * organisation.hds_certificates,
            "sworn_statement": organisation.sworn_statement,
        },
        "solution": {"market": "open", "candidature_validated": candidature},
    }


def move_enrolment(principal: Principal, enrolment: Enrolment, step: str, message: str = "") -> Enrolment:
    sources, target, role = ENROLMENT_STEPS[step]
    principal.require(role)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().select_related("organisation").get(pk=enrolment.pk)
        if enrolment.state not in sources:
            raise Conflict(f"Enrôlement à l'état « {E(enrolment.state).label} » : action impossible.")
        if step == "validate":
            outcome = evaluate_enrolment(enrolment_facts(enrolment.organisation), clock.today())
            enrolment.findings = [f.as_dict() for f in outcome.findings]
            if not outcome.ok:
                raise Conflict(
                    "Enrôlement non conforme : "
                    + " ; ".join(f.message for f in outcome.findings if f.severity == "blocking")
                )
        before = enrolment.state
        enrolment.state = target
        enrolment.message = message or enrolment.message
        enrolment.decided_at = timezone.now()
        enrolment.save()
        record("enrolment.transition", actor=principal.label, target=enrolment,
               payload={"step": step, "from": before, "to": target, "reason": message})  # fmt: skip
    return enrolment


def issue_token(principal: Principal, label: str, *, organisation=None, user=None) -> tuple[ApiToken, str]:
    """A new API token (its clear key is returned once), journaled."""
    with transaction.atomic():
        token, key = ApiToken.issue(label, organisation=organisation, user=user, created_by=principal.user)
        record("token.issued", actor=principal.label, target=token,
               payload={"label": label, "organisation": organisation.pk if organisation else None,
                        "expires_at": token.expires_at})  # fmt: skip
    return token, key


def revoke_token(principal: Principal, token: ApiToken) -> ApiToken:
    """Revoked at once: the next request with it gets 401. Revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not token.revoked:
            token.revoked, token.revoked_at = True, timezone.now()
            token.save(update_fields=["revoked", "revoked_at"])
            record("token.revoked", actor=principal.label, target=token, payload={"label": token.label})
    return token

"""Enrolment with the ASP (§6.1): filed, then moved along its lifecycle (suppliers.workflow)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sons import clock
from sons.audit.journal import record
from sons.lifecycle import TransitionRefused
from sons.rules import evaluate_enrolment

from .models import ApiToken, Enrolment, Organisation
from .perms import Principal
from .workflow import ENROLMENT


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
    """Take the enrolment's step `step` (suppliers.workflow); a validation is checked by the §6.1 rules."""

    def change(locked):
        if step == "validate":
            outcome = evaluate_enrolment(enrolment_facts(locked.organisation), clock.today())
            if not outcome.ok:
                raise TransitionRefused(
                    "Enrôlement non conforme : "
                    + " ; ".join(f.message for f in outcome.findings if f.severity == "blocking")
                )
            locked.findings = [f.as_dict() for f in outcome.findings]
        locked.message = message or locked.message
        locked.decided_at = timezone.now()

    return ENROLMENT.perform(enrolment, step, principal, message, change=change)


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

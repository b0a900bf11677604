"""Helpers the worker tests run in a process of their own, on the database the workers share."""

from __future__ import annotations


def subscribe_and_happen(url: str, count: int = 1) -> list[str]:
    """An organisation subscribed at `url`, and `count` events of it; their webhook-ids."""
    from django.db import transaction

    from sons.notifications.enums import EventKind
    from sons.notifications.events import record_event
    from sons.webhooks import services
    from tests.db_factories import OrganisationFactory, supplier_token

    organisation = OrganisationFactory()
    principal, _ = supplier_token(organisation)
    services.create_subscription(principal, url, [EventKind.VALIDATED])
    with transaction.atomic():
        return [
            record_event(EventKind.VALIDATED, organisation=organisation, payload={"n": n}).public_id
            for n in range(count)
        ]


def deliveries() -> list[list]:
    from sons.webhooks.models import Delivery

    return [[d.state, d.attempts, d.attempt_log.count()] for d in Delivery.objects.order_by("pk")]

"""Webhooks and the change feed of a supplier organisation (docs/api.md « Webhooks »): subscriptions (the
secret shown once, at creation and at each rotation; their address and events editable), their delivery log and replays, their deletion, and GET
/events, a cursor over the organisation's events for software that missed webhooks. Another organisation's
subscription is a 404."""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from sons.webhooks import feed, services
from sons.webhooks.models import Delivery, Subscription

from ..idempotency import confidential
from ..schemas import Clean, ErrorOut, StrictIn

router = Router(tags=["Webhooks"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class SubscriptionIn(StrictIn):
    url: Annotated[str, Field(max_length=500, description="https://… d'une adresse publique"), Clean]
    kinds: Annotated[list[str], Field(min_length=1, max_length=50, description="natures d'événements")]
    description: Annotated[str, Field(max_length=200), Clean] = ""


class SubscriptionPatchIn(StrictIn):
    """What a PATCH changes: a field absent (or null) stays as it is; each is checked as at creation."""

    url: (
        Annotated[str, Field(max_length=500, description="https://… d'une adresse publique"), Clean] | None
    ) = None
    kinds: (
        Annotated[list[str], Field(min_length=1, max_length=50, description="natures d'événements")] | None
    ) = None
    description: Annotated[str, Field(max_length=200), Clean] | None = None


class SubscriptionOut(Schema):
    id: int
    url: str
    kinds: list[str]
    description: str
    active: bool
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str
    secret_hint: str = Field(
        description="début du secret (le secret entier n'est rendu qu'à la création et à la rotation)"
    )
    previous_secret_until: datetime | None = Field(
        description="après une rotation : jusqu'à quand l'ancien secret signe encore les livraisons, à côté du "
        "nouveau (null hors de cette période)"
    )


class CreatedOut(SubscriptionOut):
    secret: str = Field(description="secret de signature « whsec_… » : rendu cette fois seulement")


class AttemptOut(Schema):
    number: int
    at: datetime
    outcome: str
    status: int | None
    error: str
    duration_ms: int
    replay: bool


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    state: str
    attempts: list[AttemptOut]
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class EventOut(Schema):
    id: str = Field(description="identifiant stable, celui de l'en-tête webhook-id")
    type: str
    timestamp: str
    dossier_id: int | None
    data: dict[str, Any]


class FeedOut(Schema):
    events: list[EventOut]
    next: str = Field(description="curseur à passer en « after » à l'appel suivant")
    has_more: bool


def subscription_out(s: Subscription, secret: str | None = None) -> dict:
    out = {"id": s.pk, "url": s.url, "kinds": s.kinds, "description": s.description, "active": s.active,
           "created_at": s.created_at, "disabled_at": s.disabled_at, "disabled_reason": s.disabled_reason,
           "secret_hint": s.secret_hint, "previous_secret_until": s.overlap_until()}  # fmt: skip
    return {**out, "secret": secret} if secret else out


def delivery_out(d: Delivery) -> dict:
    return {
        "id": d.pk, "event_id": d.event.public_id, "event_type": d.event.kind, "state": d.state,
        "next_attempt_at": d.next_attempt_at, "delivered_at": d.delivered_at,
        "attempts": [{"number": a.number, "at": a.at, "outcome": a.kind, "status": a.status, "error": a.error,
                      "duration_ms": a.duration_ms, "replay": a.replay} for a in d.attempt_log.all()],
    }  # fmt: skip


@router.get("/webhooks", response={200: list[SubscriptionOut], **ERRORS},
            summary="Lister les abonnements webhook de l'organisation")  # fmt: skip
def list_webhooks(request):
    return Status(
        200, [subscription_out(s) for s in services.subscriptions_of(request.principal).order_by("-id")]
    )


@router.post("/webhooks", response={201: CreatedOut, **ERRORS},
             summary="Créer un abonnement webhook (le secret de signature n'est rendu qu'ici)")  # fmt: skip
def create_webhook(request, body: SubscriptionIn):
    subscription, secret = services.create_subscription(
        request.principal, body.url, body.kinds, body.description
    )
    confidential(request)  # the secret: replayed to this caller only
    return Status(201, subscription_out(subscription, secret))


@router.get("/webhooks/{subscription_id}", response={200: SubscriptionOut, **ERRORS},
            summary="Un abonnement webhook")  # fmt: skip
def get_webhook(request, subscription_id: int):
    return Status(
        200,
        subscription_out(get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)),
    )


@router.patch("/webhooks/{subscription_id}", response={200: SubscriptionOut, **ERRORS},
              summary="Modifier un abonnement webhook : adresse, événements, description (vérifiés comme à la "
                      "création)")  # fmt: skip
def update_webhook(request, subscription_id: int, body: SubscriptionPatchIn):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    subscription = services.update_subscription(
        request.principal, subscription, url=body.url, kinds=body.kinds, description=body.description
    )
    return Status(200, subscription_out(subscription))


@router.post("/webhooks/{subscription_id}/disable", response={200: SubscriptionOut, **ERRORS},
             summary="Désactiver un abonnement webhook")  # fmt: skip
def disable_webhook(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    return Status(200, subscription_out(services.disable(request.principal, subscription)))


@router.post("/webhooks/{subscription_id}/enable", response={200: SubscriptionOut, **ERRORS},
             summary="Réactiver un abonnement webhook (son adresse vérifiée de nouveau)")  # fmt: skip
def enable_webhook(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    return Status(200, subscription_out(services.enable(request.principal, subscription)))


@router.post("/webhooks/{subscription_id}/rotate-secret", response={200: CreatedOut, **ERRORS},
             summary="Renouveler le secret de signature (le nouveau n'est rendu qu'ici ; l'ancien signe encore "
                     "24 h, à côté du nouveau)")  # fmt: skip
def rotate_webhook_secret(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    subscription, secret = services.rotate_secret(request.principal, subscription)
    confidential(request)  # the secret: replayed to this caller only
    return Status(200, subscription_out(subscription, secret))


@router.delete("/webhooks/{subscription_id}", response={204: None, **ERRORS},
               summary="Supprimer un abonnement webhook, avec son journal (les livraisons en cours sont annulées)")  # fmt: skip
def delete_webhook(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    services.delete(request.principal, subscription)
    return Status(204, None)


@router.get("/webhooks/{subscription_id}/deliveries", response={200: list[DeliveryOut], **ERRORS},
            summary="Journal des livraisons d'un abonnement, avec chaque essai")  # fmt: skip
def webhook_deliveries(request, subscription_id: int, limit: int = 100, offset: int = 0):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    limit, offset = max(1, min(limit, 500)), max(0, min(offset, 2**62))
    deliveries = services.deliveries_of(request.principal, subscription).order_by("-id")[
        offset : offset + limit
    ]
    return Status(200, [delivery_out(d) for d in deliveries])


@router.post("/webhooks/deliveries/{delivery_id}/replay", response={202: DeliveryOut, **ERRORS},
             summary="Relancer une livraison (même webhook-id : le récepteur qui l'a déjà l'ignore)")  # fmt: skip
def replay_delivery(request, delivery_id: int):
    delivery = get_object_or_404(services.deliveries_of(request.principal), pk=delivery_id)
    return Status(202, delivery_out(services.replay(request.principal, delivery)))


@router.get("/events", response={200: FeedOut, **ERRORS},
            summary="Flux des changements : les événements de l'organisation après un curseur")  # fmt: skip
def list_events(request, response: HttpResponse, after: str = "", limit: int = 100):
    page = feed.feed(request.principal, after, limit)
    if page["has_more"]:  # as the lists page: the next page's address in a Link header too
        response["Link"] = (
            f'<{request.build_absolute_uri(request.path)}?after={page["next"]}&limit={limit}>; rel="next"'
        )
    return Status(200, page)

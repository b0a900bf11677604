"""Supplier space: the organisation's webhooks (administrators only): list and make them (the secret shown once),
disable and enable them, read each one's delivery log and replay a delivery."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.errors import Refused
from sons.suppliers.enums import Role
from sons.webhooks import services

from ..access import ADMINISTRATORS, role_required
from ..forms_dsfr import DsfrForm

administrator_only = role_required(Role.SUPPLIER_MEMBER, members=ADMINISTRATORS)
NEW_SECRET_KEY = "sons_new_webhook_secret"
LOG_SIZE = 200


class SubscriptionForm(DsfrForm):
    url = forms.CharField(
        label="Adresse de réception", max_length=500,
        help_text="https://… sur une adresse publique de votre logiciel (jamais une adresse privée).",
    )  # fmt: skip
    kinds = forms.MultipleChoiceField(
        label="Événements", widget=forms.CheckboxSelectMultiple, choices=services.supplier_kinds,
        error_messages={"required": "Choisissez au moins un événement."},
    )  # fmt: skip
    description = forms.CharField(label="Description", max_length=200, required=False,
                                  help_text="Par exemple : « logiciel de facturation, production ».")  # fmt: skip


@administrator_only
def webhooks(request):
    """POST makes a subscription and redirects (POST/redirect/GET): its secret is shown once, by the GET that
    follows."""
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription, secret = services.create_subscription(
                request.principal, data["url"], data["kinds"], data["description"]
            )
        except Refused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            request.session[NEW_SECRET_KEY] = [subscription.pk, secret]
            return redirect("portal:supplier_webhooks")
    new = request.session.pop(NEW_SECRET_KEY, None)
    subscriptions = services.subscriptions_of(request.principal).order_by("-id")
    labels = dict(services.supplier_kinds())
    rows = [(s, [labels.get(k, k) for k in s.kinds]) for s in subscriptions]
    return render(request, "portal/supplier/webhooks.html", {"form": form, "rows": rows, "new": new})


@administrator_only
def webhook_log(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    deliveries = services.deliveries_of(request.principal, subscription).order_by("-id")[:LOG_SIZE]
    return render(request, "portal/supplier/webhook_log.html",
                  {"subscription": subscription, "deliveries": deliveries, "size": LOG_SIZE})  # fmt: skip


def _act(request, action, done: str):
    try:
        action()
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)


@administrator_only
@require_POST
def webhook_disable(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    _act(request, lambda: services.disable(request.principal, subscription), "Abonnement désactivé.")
    return redirect("portal:webhook_log", subscription.pk)


@administrator_only
@require_POST
def webhook_enable(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    _act(request, lambda: services.enable(request.principal, subscription), "Abonnement réactivé.")
    return redirect("portal:webhook_log", subscription.pk)


@administrator_only
@require_POST
def webhook_replay(request, delivery_id: int):
    delivery = get_object_or_404(services.deliveries_of(request.principal), pk=delivery_id)
    _act(request, lambda: services.replay(request.principal, delivery),
         f"Livraison de l'événement evt_{delivery.event_id} relancée : elle part dans quelques secondes.")  # fmt: skip
    return redirect("portal:webhook_log", delivery.subscription_id)

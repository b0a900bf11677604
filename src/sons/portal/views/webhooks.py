"""Supplier space: the organisation's webhooks (administrators only): list and make them (the secret shown once),
edit their address, events and description (the panel of the delivery log page), disable and enable them, read each one's delivery log and replay a delivery; rotate a secret and delete a
subscription, each after its confirmation panel (the new secret shown once, on the delivery log)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sons.errors import NotFound, Refused
from sons.suppliers.enums import Role
from sons.webhooks import services
from sons.webhooks.encryption import decrypt, encrypt

from ..access import ADMINISTRATORS, role_required
from ..forms_dsfr import DsfrForm
from .confirm import Panel, show

administrator_only = role_required(Role.SUPPLIER_MEMBER, members=ADMINISTRATORS)
NEW_SECRET_KEY = "sons_new_webhook_secret"
ROTATED_SECRET_KEY = "sons_rotated_webhook_secret"
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
            request.session[NEW_SECRET_KEY] = [
                subscription.pk,
                encrypt(secret),
            ]  # sessions are in the database
            return redirect("portal:supplier_webhooks")
    new = request.session.pop(NEW_SECRET_KEY, None)
    new = [new[0], decrypt(new[1])] if new else None
    subscriptions = services.subscriptions_of(request.principal).order_by("-id")
    labels = dict(services.supplier_kinds())
    rows = [(s, [labels.get(k, k) for k in s.kinds]) for s in subscriptions]
    return render(request, "portal/supplier/webhooks.html", {"form": form, "rows": rows, "new": new})


def edit_form(subscription, data=None) -> SubscriptionForm:
    initial = {"url": subscription.url, "kinds": subscription.kinds, "description": subscription.description}
    return SubscriptionForm(data, initial=initial)


def log_page(request, subscription, form=None, status: int = 200):
    """The delivery log and the edit panel (open, with its errors, when an edit was refused); after a rotation
    (POST/redirect/GET), the new secret, shown this once."""
    deliveries = services.deliveries_of(request.principal, subscription).order_by("-id")[:LOG_SIZE]
    rotated = request.session.get(ROTATED_SECRET_KEY)
    secret = (
        decrypt(request.session.pop(ROTATED_SECRET_KEY)[1])
        if rotated and rotated[0] == subscription.pk
        else None
    )
    return render(request, "portal/supplier/webhook_log.html", {
        "subscription": subscription, "deliveries": deliveries, "size": LOG_SIZE, "new_secret": secret,
        "overlap_until": subscription.overlap_until(), "form": form or edit_form(subscription),
        "edit_open": form is not None,
    }, status=status)  # fmt: skip


@administrator_only
def webhook_log(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    return log_page(request, subscription)


@administrator_only
@require_POST
def webhook_edit(request, subscription_id: int):
    """The edit panel's POST: back to the log (POST/redirect/GET), or the log page again with the panel open and
    each refusal under its field."""
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    form = edit_form(subscription, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.update_subscription(
                request.principal, subscription, url=data["url"], kinds=data["kinds"],
                description=data["description"],
            )  # fmt: skip
        except NotFound:  # deleted since the page was shown
            raise Http404("Abonnement introuvable.") from None
        except Refused as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, "Abonnement modifié.")
            return redirect("portal:webhook_log", subscription.pk)
    return log_page(request, subscription, form, status=400)


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


def duration_fr(seconds: int) -> str:
    """« 24 heures », « 90 minutes », « 45 secondes »: the largest unit that counts it exactly."""
    unit, name = next(
        (u, n) for u, n in ((3600, "heure"), (60, "minute"), (1, "seconde")) if seconds % u == 0
    )
    count = seconds // unit
    return f"{count} {name}{'s' if count > 1 else ''}"


def rotation_panel(subscription) -> Panel:
    overlap = int(services.secret_overlap().total_seconds())
    if overlap:
        current = (f"Le secret actuel ({subscription.secret_hint}) signe encore les livraisons pendant "
                   f"{duration_fr(overlap)}, à côté du nouveau (deux signatures dans l'en-tête webhook-signature) : "
                   "votre logiciel les accepte avec l'un ou l'autre. Installez le nouveau secret dans ce délai.")  # fmt: skip
    else:
        current = f"Le secret actuel ({subscription.secret_hint}) cesse aussitôt de signer les livraisons."
    impact = [f"Un nouveau secret signe désormais les livraisons vers {subscription.url} ; il ne sera affiché "
              "qu'une fois, sur la page suivante.", current]  # fmt: skip
    if until := subscription.overlap_until():
        impact.append(f"Le secret remplacé au renouvellement précédent, qui signe encore jusqu'au "
                      f"{timezone.localtime(until):%d/%m/%Y à %H:%M}, cesse aussitôt de signer : seuls le nouveau "
                      "secret et l'actuel restent valables.")  # fmt: skip
    return Panel(
        title="Renouveler le secret de signature", button="Renouveler le secret",
        action=reverse("portal:webhook_rotate", args=[subscription.pk]),
        back_url=reverse("portal:webhook_log", args=[subscription.pk]), back_label="Livraisons du webhook",
        impact=impact, motive_label="", motive_required=False,
        hidden={"secret_hint": subscription.secret_hint},  # a second POST of this panel rotates nothing more
    )  # fmt: skip


@administrator_only
@require_http_methods(["GET", "POST"])
def webhook_rotate(request, subscription_id: int):
    """GET: the panel. POST: the new secret, shown once by the delivery log that follows (POST/redirect/GET)."""
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    panel = rotation_panel(subscription)
    if request.method != "POST":
        return show(request, panel)
    try:
        subscription, secret = services.rotate_secret(
            request.principal, subscription, seen_hint=request.POST.get("secret_hint", "")
        )
    except NotFound:  # deleted since the panel was shown
        raise Http404("Abonnement introuvable.") from None
    except Refused as refusal:  # rotated since the panel was shown: the panel again, as the secret is now
        subscription.refresh_from_db()
        return show(request, rotation_panel(subscription), refusal=refusal.message, status=refusal.status)
    request.session[ROTATED_SECRET_KEY] = [subscription.pk, encrypt(secret)]  # sessions are in the database
    return redirect("portal:webhook_log", subscription.pk)


@administrator_only
@require_http_methods(["GET", "POST"])
def webhook_delete(request, subscription_id: int):
    subscription = get_object_or_404(services.subscriptions_of(request.principal), pk=subscription_id)
    count = services.deliveries_of(request.principal, subscription).count()
    panel = Panel(
        title="Supprimer l'abonnement webhook", button="Supprimer l'abonnement",
        action=reverse("portal:webhook_delete", args=[subscription.pk]),
        back_url=reverse("portal:webhook_log", args=[subscription.pk]), back_label="Livraisons du webhook",
        impact=[f"L'abonnement vers {subscription.url} est supprimé, avec son journal ({count} livraison(s)).",
                "Les livraisons en cours sont annulées : elles ne seront plus tentées. Les événements restent "
                "lisibles dans le flux des changements (GET /api/v1/events).",
                "Le journal d'audit garde l'adresse, les événements, l'auteur et la date de la suppression."],
        motive_label="", motive_required=False,
    )  # fmt: skip
    if request.method != "POST":
        return show(request, panel)
    try:
        services.delete(request.principal, subscription)
    except Refused as refusal:
        return show(request, panel, refusal=refusal.message, status=refusal.status)
    messages.success(request, f"Abonnement supprimé : plus rien n'est envoyé à {subscription.url}.")
    return redirect("portal:supplier_webhooks")

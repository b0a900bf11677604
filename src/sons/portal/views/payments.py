"""Paying agent space: prepare a batch of validated requests, download its SEPA file, send, confirm, reject."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from sons.errors import Refused
from sons.payments import actions, sepa
from sons.payments.models import PaymentBatch
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role

from ..access import ASP, role_required
from .confirm import Panel, show

# One colour per step of a batch: prepared (in progress), sent (awaiting the bank), confirmed (paid), rejected.
BATCH_BADGES = {"prepared": "fr-badge--info", "sent": "fr-badge--new", "confirmed": "fr-badge--success",
                "rejected": "fr-badge--error"}  # fmt: skip


@role_required(*ASP)
def batches(request):
    page = Paginator(PaymentBatch.objects.order_by("-pk"), 30).get_page(request.GET.get("page"))
    for batch in page.object_list:
        batch.total_fr = euros_fr(batch.total)
    return render(request, "portal/payments/batches.html", {
        "page": page, "can_pay": request.principal.holds(Role.ASP_PAYING_AGENT),
        "held_back": actions.held_back_for_pieces().count(),
    })  # fmt: skip


@role_required(*ASP)
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    payments = batch.payments.select_related("dossier__supplier").order_by("pk")
    page = Paginator(payments, 100).get_page(request.GET.get("page"))
    for payment in page.object_list:
        payment.amount_fr = euros_fr(payment.amount)
    return render(request, "portal/payments/batch.html", {
        "batch": batch, "badge": BATCH_BADGES.get(batch.state, "fr-badge--info"),
        "history": batch.transitions.order_by("at", "pk"), "total": euros_fr(batch.total), "page": page,
        "can_pay": request.principal.holds(Role.ASP_PAYING_AGENT),
    })  # fmt: skip


def _run(request, act, success: str, batch_id: int | None = None):
    try:
        batch = act()
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("portal:batch", batch_id=batch_id) if batch_id else redirect("portal:batches")
    if batch is None:
        messages.info(request, actions.nothing_to_pay())
        return redirect("portal:batches")
    messages.success(request, success.format(batch=batch))
    return redirect("portal:batch", batch_id=batch.pk)


@role_required(Role.ASP_PAYING_AGENT)
@require_POST
def prepare(request):
    return _run(request, lambda: actions.prepare_batch(request.principal), "Lot n° {batch.pk} préparé.")


def batch_panel(batch: PaymentBatch, step: str) -> Panel:
    """The confirmation panel of a step of the batch: what it does, the motive required."""
    count, total = batch.payments.count(), euros_fr(batch.total)
    common = {"action": reverse("portal:batch_move", args=[batch.pk, step]),
              "back_url": reverse("portal:batch", args=[batch.pk]), "back_label": f"Lot n° {batch.pk}"}  # fmt: skip
    if step == "transmettre":
        return Panel(
            title=f"Transmettre le lot n° {batch.pk} à la banque", button="Confirmer la transmission",
            impact=[f"Le fichier SEPA du lot ({count} paiement(s), {total}) est figé puis transmis à la banque.",
                    "Les coordonnées bancaires des bénéficiaires ne peuvent plus changer pour ce lot."],
            motive_label="Motif de la transmission (obligatoire)",
            motive_help="Par exemple : « Lot hebdomadaire, contrôlé par l'agent comptable. »", **common,
        )  # fmt: skip
    if step == "confirmer":
        return Panel(
            title=f"Confirmer le paiement du lot n° {batch.pk}", button="Confirmer le paiement",
            impact=[f"Les {count} paiement(s) du lot ({total}) sont comptabilisés : chaque dossier passe à l'état "
                    "« versé » et le registre des aides de minimis de ses Clients augmente."],
            motive_label="Motif de la confirmation (obligatoire)",
            motive_help="Par exemple : la référence du relevé bancaire qui atteste le paiement.", **common,
        )  # fmt: skip
    return Panel(
        title=f"Rejeter le lot n° {batch.pk}", button="Rejeter le lot",
        impact=[f"Les {count} paiement(s) du lot sont rejetés : leurs demandes sont de nouveau payables."],
        motive_label="Motif du rejet par la banque (obligatoire)", **common,
    )  # fmt: skip


BATCH_STEPS = {
    "transmettre": (actions.send_batch, "Lot n° {batch.pk} transmis à la banque."),
    "confirmer": (actions.confirm_batch, "Lot n° {batch.pk} confirmé : paiements comptabilisés."),
    "rejeter": (actions.reject_batch, "Lot n° {batch.pk} rejeté : ses demandes sont de nouveau payables."),
}


@role_required(Role.ASP_PAYING_AGENT)
def move(request, batch_id: int, step: str):
    """Send, confirm or reject a batch, after its panel (the motive required, kept in the batch's history)."""
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    if step not in BATCH_STEPS:
        raise Http404("Étape inconnue")
    panel = batch_panel(batch, step)
    if request.method != "POST":
        return show(request, panel)
    form = panel.form(request.POST)
    if not form.is_valid():
        return show(request, panel, form, status=400)
    act, success = BATCH_STEPS[step]
    try:
        moved = act(request.principal, batch, form.text)
    except Refused as refused:
        return show(request, panel, form, refusal=refused.message, status=409)
    messages.success(request, success.format(batch=moved))
    return redirect("portal:batch", batch_id=batch.pk)


@role_required(Role.ASP_PAYING_AGENT)
def sepa_file(request, batch_id: int):
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    try:
        xml = sepa.batch_xml(batch)
    except sepa.SepaRefused as refused:
        messages.error(request, refused.message)
        return redirect("portal:batch", batch_id=batch_id)
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{sepa.file_name(batch)}"'
    return response

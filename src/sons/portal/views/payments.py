"""Paying agent space: prepare a batch of validated requests, download its SEPA file, send, confirm, reject."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.errors import Refused
from sons.payments import actions, sepa
from sons.payments.models import PaymentBatch
from sons.rules.money import euros_fr
from sons.suppliers.enums import Role

from ..access import ASP, role_required


@role_required(*ASP)
def batches(request):
    page = Paginator(PaymentBatch.objects.order_by("-pk"), 30).get_page(request.GET.get("page"))
    for batch in page.object_list:
        batch.total_fr = euros_fr(batch.total)
    return render(request, "portal/payments/batches.html", {
        "page": page, "can_pay": request.principal.holds(Role.ASP_PAYING_AGENT),
    })  # fmt: skip


@role_required(*ASP)
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    payments = batch.payments.select_related("dossier__supplier").order_by("pk")
    page = Paginator(payments, 100).get_page(request.GET.get("page"))
    for payment in page.object_list:
        payment.amount_fr = euros_fr(payment.amount)
    return render(request, "portal/payments/batch.html", {
        "batch": batch, "total": euros_fr(batch.total), "page": page,
        "can_pay": request.principal.holds(Role.ASP_PAYING_AGENT),
    })  # fmt: skip


def _run(request, act, success: str, batch_id: int | None = None):
    try:
        batch = act()
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("portal:batch", batch_id=batch_id) if batch_id else redirect("portal:batches")
    if batch is None:
        messages.info(request, "Aucune demande validée à payer.")
        return redirect("portal:batches")
    messages.success(request, success.format(batch=batch))
    return redirect("portal:batch", batch_id=batch.pk)


@role_required(Role.ASP_PAYING_AGENT)
@require_POST
def prepare(request):
    return _run(request, lambda: actions.prepare_batch(request.principal), "Lot n° {batch.pk} préparé.")


@role_required(Role.ASP_PAYING_AGENT)
@require_POST
def move(request, batch_id: int, step: str):
    batch = get_object_or_404(PaymentBatch, pk=batch_id)
    reason = request.POST.get("message", "").strip()
    if step == "transmettre":
        return _run(request, lambda: actions.send_batch(request.principal, batch),
                    "Lot n° {batch.pk} transmis à la banque.", batch_id)  # fmt: skip
    if step == "confirmer":
        return _run(request, lambda: actions.confirm_batch(request.principal, batch),
                    "Lot n° {batch.pk} confirmé : paiements comptabilisés.", batch_id)  # fmt: skip
    if not reason:
        messages.error(request, "Motif : obligatoire pour rejeter un lot.")
        return redirect("portal:batch", batch_id=batch_id)
    return _run(request, lambda: actions.reject_batch(request.principal, batch, reason),
                "Lot n° {batch.pk} rejeté : ses demandes sont de nouveau payables.", batch_id)  # fmt: skip


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

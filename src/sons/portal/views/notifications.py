"""The notification centre of each space: the person's notifications, marking them read, their e-mail choice."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sons.errors import Refused
from sons.notifications import centre
from sons.notifications.enums import Delivery
from sons.notifications.texts import describe
from sons.suppliers.enums import Role

from ..access import role_required

anyone = role_required(*Role.values)


@anyone
def notifications(request):
    principal = request.principal
    mine = centre.of(principal)
    only_unread = request.GET.get("non_lues") == "1"
    if only_unread:
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine.order_by("-event_id"), 30).get_page(request.GET.get("page"))
    rows = [{"notification": n, "notice": describe(n.event)} for n in page]
    return render(request, "portal/notifications/centre.html", {
        "page": page, "rows": rows, "only_unread": only_unread, "unread": centre.unread_count(principal),
        "delivery": centre.preference(request.user), "deliveries": Delivery.choices,
        "query": "non_lues=1" if only_unread else "",
    })  # fmt: skip


@require_POST
@anyone
def read(request):
    """Mark read: one notification (`id`, then go to its link), or all of them."""
    principal = request.principal
    if request.POST.get("id"):
        notification = get_object_or_404(centre.of(principal), pk=request.POST["id"])
        centre.mark_read(principal, [notification.pk])
        link = describe(notification.event)["link"]
        path = "/" + link.split("://", 1)[-1].partition("/")[2] if link else ""
        return redirect(path or "portal:notifications")
    count = centre.mark_read(principal)
    messages.success(request, f"{count} notification(s) marquée(s) comme lue(s).")
    return redirect("portal:notifications")


@require_POST
@anyone
def preferences(request):
    try:
        chosen = centre.choose(request.user, request.POST.get("delivery", ""))
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Courriels : {Delivery(chosen).label.lower()}.")
    return redirect("portal:notifications")

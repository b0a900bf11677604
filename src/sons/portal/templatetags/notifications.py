"""`{% unread_notifications as n %}`: the signed-in person's unread notifications (the header's count)."""

from django import template

from sons.notifications import centre

from ..access import principal_of

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    principal = getattr(request, "principal", None) or principal_of(request)
    return centre.unread_count(principal) if principal is not None else 0

"""The journal in the admin: readable by those allowed to view it, changeable by nobody."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "actor", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("target_id", "actor", "action")
    # COUNT(*) over the whole journal on every page would grow with it.
    show_full_result_count = False
    fields = ("seq", "at", "actor", "action", "target_type", "target_id", "payload", "prev_hash", "hash")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

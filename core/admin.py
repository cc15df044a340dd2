from django.contrib import admin

from core.models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, so nobody edits or deletes it, superusers included."""

    list_display = ("created_at", "actor", "action", "target_kind", "target_repr", "reason")
    list_filter = ("action", "target_kind")
    search_fields = ("target_id", "target_repr", "reason", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from parcours.privacy.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: administrators review sign-ins and access patterns, never case content."""

    list_display = ["at", "user", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

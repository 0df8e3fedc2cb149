from django.contrib import admin

from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction, AuditEvent


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin site to shared data are in the audit trail like any other."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        record(Actor.from_request(request), action, obj)

    def delete_model(self, request, obj):
        record(Actor.from_request(request), AuditAction.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: administrators review sign-ins and access patterns, never case content."""

    list_display = ["at", "user", "action", "object_type", "object_id", "page", "ip_address"]
    list_filter = ["action", "object_type"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from parcours.collect import services
from parcours.collect.models import DeviceToken
from parcours.privacy.audit import Actor


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    """Phones, for administrators: seen and revoked here, made by their owners or by
    ``parcours device-token`` (a token is shown only to whoever makes it)."""

    list_display = ["user", "name", "project", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["project", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name"]
    readonly_fields = ["user", "project", "name", "created_at", "created_by", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected phones"))
    def revoke(self, request, queryset):
        actor = Actor.from_request(request)
        for device in queryset.filter(revoked_at=None):
            services.revoke(actor, device)
        messages.success(request, _("The selected phones are disconnected."))

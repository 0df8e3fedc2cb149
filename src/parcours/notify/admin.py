from django.contrib import admin

from parcours.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """What left, or could not leave: the administrator sees failed mail here."""

    list_display = ("created_at", "kind", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "channel")
    readonly_fields = [f.name for f in Message._meta.fields]
    search_fields = ("recipient__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

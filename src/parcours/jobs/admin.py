from django.contrib import admin

from parcours.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Operators see what runs and what failed; the files stay with the person who asked."""

    list_display = ["title", "kind", "requested_by", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    fields = ["kind", "title", "requested_by", "project", "status", "step", "done", "total"]
    fields += ["lines", "created_at", "started_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

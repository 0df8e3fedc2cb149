from django.contrib import admin

from parcours.legal.models import DeadlineRule, DocumentKind


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """Deadline rules are data that coordinators and administrators keep up to date."""

    list_display = [
        "code",
        "country",
        "label_en",
        "procedure_types",
        "on_status",
        "min_days",
        "max_days",
    ]
    list_filter = ["country"]


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "validity_months", "position"]

from django.contrib import admin

from parcours.legal.models import DeadlineRule, DocumentKind
from parcours.privacy.admin import AuditedAdmin


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    """Deadline rules serve every organisation: administrators keep them up to date."""

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
class DocumentKindAdmin(AuditedAdmin):
    list_display = ["code", "label_en", "validity_months", "position"]

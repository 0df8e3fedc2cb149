from django.contrib import admin

from parcours.privacy.admin import AuditedAdmin
from parcours.projects.models import EligibilityCriterion, FlagReason, Organisation, Project


class CriterionInline(admin.TabularInline):
    model = EligibilityCriterion
    extra = 0
    fields = ["position", "code", "label_nl", "label_fr", "label_en", "active"]


class FlagReasonInline(CriterionInline):
    model = FlagReason


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name"]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["name", "slug", "organisation", "country", "case_number_prefix"]
    fields = [
        "organisation",
        "name",
        "slug",
        "country",
        "case_number_prefix",
        "review_interval_weeks",
        "contact_alert_days",
        "deadline_reminder_days",
        "retention_years",
        "approvals",
    ]
    inlines = [CriterionInline, FlagReasonInline]

"""Legal dossier forms. Each check names its field; nothing is saved on error."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.cases.forms import DATE, limit_to_members
from parcours.cases.models import today
from parcours.casework.forms import providers_for
from parcours.legal.choices import EventKind
from parcours.legal.models import (
    DeadlineOverride,
    DeadlineRule,
    Document,
    Procedure,
    TimelineEvent,
)
from parcours.legal.uploads import check_upload
from parcours.versioning import VersionedForm

FUTURE_LIMIT = datetime.timedelta(days=366)


def _after(form, earlier: str, later: str, message):
    a, b = form.cleaned_data.get(earlier), form.cleaned_data.get(later)
    if a and b and b < a:
        form.add_error(later, message)


def _not_far_future(form, *names):
    for name in names:
        value = form.cleaned_data.get(name)
        if value and value > today() + FUTURE_LIMIT:
            form.add_error(name, _("This date is more than a year in the future."))


class ProcedureForm(VersionedForm):
    class Meta:
        model = Procedure
        fields = [
            "type",
            "person",
            "authority",
            "status",
            "filed_on",
            "notified_on",
            "decided_on",
            "deadline_rule",
            "period_days",
            "lawyer",
            "reference",
            "outcome",
        ]
        widgets = {
            "filed_on": DATE,
            "notified_on": DATE,
            "decided_on": DATE,
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        limit_to_members(self, family, "person")
        self.fields["person"].empty_label = _("the whole family")
        self.fields["lawyer"].queryset = providers_for(family.project.organisation_id).filter(
            kind="lawyer"
        )
        self.fields["deadline_rule"].queryset = DeadlineRule.objects.filter(
            country=family.project.country
        )

    def clean(self):
        data = super().clean()
        _after(self, "filed_on", "decided_on", _("The decision cannot come before the filing."))
        _after(
            self,
            "decided_on",
            "notified_on",
            _("The notification cannot come before the decision."),
        )
        for name in ("filed_on", "decided_on", "notified_on"):
            value = data.get(name)
            if value and value > today():
                self.add_error(name, _("This date is in the future."))
        rule, period = data.get("deadline_rule"), data.get("period_days")
        if rule:
            probe = Procedure(type=data.get("type"), status=data.get("status"))
            if not rule.applies_to(probe):
                self.add_error(
                    "deadline_rule", _("This deadline does not apply to this procedure.")
                )
            elif not data.get("notified_on"):
                self.add_error("notified_on", _("A deadline counts from the notification date."))
            low, high = rule.limits_for(self.family.project_id)
            if period is not None and not low <= period <= high:
                self.add_error(
                    "period_days",
                    _("Between %(low)s and %(high)s days for this rule.")
                    % {"low": low, "high": high},
                )
        elif period is not None:
            self.add_error("period_days", _("Choose the deadline this period belongs to."))
        return data


class EventForm(forms.ModelForm):
    class Meta:
        model = TimelineEvent
        fields = ["on", "precision", "kind", "persons", "description", "procedure", "document"]
        widgets = {
            "on": DATE,
            "persons": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, family, "persons")
        self.fields["procedure"].queryset = family.procedures.all()
        self.fields["document"].queryset = family.documents.select_related("kind")

    def clean(self):
        data = super().clean()
        _not_far_future(self, "on")
        return data


class DocumentForm(VersionedForm):
    upload = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, PNG, JPEG or WebP.")
    )

    class Meta:
        model = Document
        fields = ["kind", "person", "description", "issued_on", "expires_on", "status", "procedure"]
        widgets = {"issued_on": DATE, "expires_on": DATE}

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, family, "person")
        self.fields["person"].empty_label = _("the whole family")
        self.fields["procedure"].queryset = family.procedures.all()

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            upload.checked_type = check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        _after(self, "issued_on", "expires_on", _("The expiry cannot come before the issue date."))
        issued = data.get("issued_on")
        if issued and issued > today():
            self.add_error("issued_on", _("This date is in the future."))
        return data


class KindFilter(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=None, required=False, empty_label=_("everyone")
    )
    kind = forms.MultipleChoiceField(
        label=_("What"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, family, "person")


class HistoryImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))


class DeadlineRuleForm(VersionedForm):
    class Meta:
        model = DeadlineRule
        fields = [
            "country",
            "code",
            "label_nl",
            "label_fr",
            "label_en",
            "procedure_types",
            "on_status",
            "min_days",
            "max_days",
        ]

    def clean_procedure_types(self):
        from parcours.legal.choices import ProcedureType

        codes = [c.strip() for c in self.cleaned_data["procedure_types"].split(",") if c.strip()]
        unknown = [c for c in codes if c not in ProcedureType.values]
        if unknown or not codes:
            raise forms.ValidationError(
                _("Use procedure codes separated by commas: %(codes)s")
                % {"codes": ", ".join(ProcedureType.values)}
            )
        return ",".join(codes)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_days"), data.get("max_days")
        if low is not None and high is not None and low > high:
            self.add_error("max_days", _("At most cannot be less than at least."))
        return data


class DeadlineOverrideForm(VersionedForm):
    """A coordinator's own limit for one of their projects."""

    class Meta:
        model = DeadlineOverride
        fields = ["project", "min_days", "max_days", "note"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = None
        if self.editing:
            self.fields["project"].disabled = True

    def clean(self):
        data = super().clean()
        low, high = data.get("min_days"), data.get("max_days")
        if low is not None and high is not None and high < low:
            self.add_error("max_days", _("At most cannot be less than at least."))
        return data

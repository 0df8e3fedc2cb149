from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Role
from parcours.cases.choices import FamilyStatus
from parcours.cases.forms import DATE
from parcours.projects.models import Project


def reportable_projects(user):
    """Projects whose report this user may read: coordinators and evaluators of them."""
    return Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR, Role.EVALUATOR))


class ReportForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    admitted_from = forms.DateField(label=_("Admitted from"), required=False, widget=DATE)
    admitted_to = forms.DateField(label=_("Admitted until"), required=False, widget=DATE)
    statuses = forms.MultipleChoiceField(
        label=_("Status now"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (s, FamilyStatus(s).label)
            for s in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED, FamilyStatus.CLOSED)
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = reportable_projects(user)
        self.fields["projects"].initial = list(self.fields["projects"].queryset)

    def clean(self):
        data = super().clean()
        start, end = data.get("admitted_from"), data.get("admitted_to")
        if start and end and end < start:
            self.add_error("admitted_to", _("The period ends before it starts."))
        return data

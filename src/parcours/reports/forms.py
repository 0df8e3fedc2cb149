from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Role
from parcours.cases.choices import FamilyStatus
from parcours.cases.forms import DATE
from parcours.projects.models import Project
from parcours.reports.cohort import Cohort
from parcours.reports.models import Round


def reportable_projects(user):
    """Projects whose report this user may read: coordinators and evaluators of them."""
    return Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR, Role.EVALUATOR))


def coordinated_projects(user):
    return Project.objects.filter(pk__in=user.project_ids(Role.COORDINATOR), network=False)


class ReportForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    round = forms.ModelChoiceField(
        label=_("Evaluation round"),
        queryset=None,
        required=False,
        empty_label=_("— the period below —"),
        help_text=_("Each family's latest sheet submitted within the round."),
    )
    period_from = forms.DateField(label=_("Sheets and referrals from"), required=False, widget=DATE)
    period_to = forms.DateField(label=_("until"), required=False, widget=DATE)
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
        projects = reportable_projects(user)
        self.fields["projects"].queryset = projects
        self.fields["projects"].initial = list(projects)
        self.fields["round"].queryset = Round.objects.filter(project__in=projects)

    def clean(self):
        data = super().clean()
        for start, end in (("period_from", "period_to"), ("admitted_from", "admitted_to")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, _("The period ends before it starts."))
        chosen = data.get("round")
        if chosen and (data.get("period_from") or data.get("period_to")):
            self.add_error("round", _("Choose a round or a period, not both."))
        if chosen and data.get("projects") and chosen.project not in data["projects"]:
            self.add_error("round", _("This round belongs to a project you did not choose."))
        return data

    def cohort(self) -> Cohort:
        data = self.cleaned_data
        chosen = data["round"]
        return Cohort(
            list(data["projects"]),
            admitted_from=data["admitted_from"],
            admitted_to=data["admitted_to"],
            statuses=data["statuses"],
            period_from=chosen.starts_on if chosen else data["period_from"],
            period_to=chosen.ends_on if chosen else data["period_to"],
            round_name=chosen.name if chosen else "",
        )


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["project", "name", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        projects = coordinated_projects(user)
        self.fields["project"].queryset = projects
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The round ends before it starts."))
        return data

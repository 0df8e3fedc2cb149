from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.api.models import DEFAULT_DAYS, MAX_DAYS, ApiToken, Scope
from parcours.notify.webhooks import EventType


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=ApiToken._meta.get_field("name").help_text,
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=None,
        required=False,
        empty_label=_("Every project of mine"),
    )
    expires_days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    def __init__(self, *args, scopes, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s, f"{s} \u2014 {Scope(s).label}") for s in scopes]
        self.fields["scopes"].initial = list(scopes)
        self.fields["project"].queryset = projects


class WebhookForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, empty_label=None)
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are posted: an https:// address of the receiving system."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    deadline_days = forms.IntegerField(
        label=_("Days before a deadline"),
        min_value=1,
        max_value=90,
        initial=7,
        help_text=_("For “a legal deadline approaches”: how many days ahead."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]
            self.fields["project"].widget = forms.HiddenInput()

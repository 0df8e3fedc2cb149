from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.collect.models import DeviceToken


class DeviceForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None, empty_label=None)
    name = forms.CharField(
        label=_("Name of the phone"),
        max_length=DeviceToken._meta.get_field("name").max_length,
        help_text=DeviceToken._meta.get_field("name").help_text,
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]
            self.fields["project"].widget = forms.HiddenInput()

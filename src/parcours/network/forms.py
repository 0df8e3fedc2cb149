from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field, as Django's documentation does it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".json"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PoolForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Network project"), queryset=None)
    files = FilesField(
        label=_("Evaluation exports of member projects"),
        help_text=_(
            "The signed .json files the members made on this page or with export-evaluation. "
            "Every file is checked first; one changed or foreign file stops them all."
        ),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]

"""The form of the sheet import page (the XLSForms themselves live in forms/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.instruments.models import InstrumentCode


class ImportForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=InstrumentCode.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV, XLSX or an ODK Central .csv.zip: our template, or a KoboToolbox or ODK Central "
            "export with XML values and headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.zip"}),
    )
    skip_unmatched = forms.BooleanField(
        label=_("Import the rows whose case is known and list the others"),
        required=False,
        help_text=_("Otherwise one unknown or empty case number stops the whole import."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if len(projects) == 1:
            self.fields["project"].initial = projects[0]

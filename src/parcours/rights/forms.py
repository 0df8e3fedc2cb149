from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.rights.models import ErasureReason


class AccessRequestForm(forms.Form):
    person = forms.ModelChoiceField(label=_("About"), queryset=None, required=False)
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=[("nl", "Nederlands"), ("fr", "Français"), ("en", "English")],
    )

    def __init__(self, *args, family, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = family.members.all()
        self.fields["person"].empty_label = _("the whole family")
        self.fields["person"].label_from_instance = lambda p: p.full_name
        self.fields["language"].initial = language


class ErasureForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Erase"), queryset=None, required=False)
    reason = forms.ChoiceField(label=_("Why"), choices=ErasureReason.choices)
    confirm = forms.CharField(
        label=_("Type the case number to confirm"),
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["person"].queryset = family.members.all()
        self.fields["person"].empty_label = _("the whole family's file")
        self.fields["person"].label_from_instance = lambda p: p.full_name or str(p.pk)[:8]

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != (self.family.case_number or str(self.family.pk)[:8]):
            raise forms.ValidationError(_("This is not the file's case number."))
        return value

from django import forms
from django.utils.translation import gettext_lazy as _


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

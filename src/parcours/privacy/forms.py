from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.privacy.fields import PartialDate


class PartialDateFormField(forms.CharField):
    """Accepts ``YYYY-MM-DD`` or ``YYYY`` (people often know only the year of birth)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", _("YYYY-MM-DD, or the year alone (YYYY)."))
        kwargs.pop("empty_value", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("placeholder", "YYYY-MM-DD")

    def to_python(self, value):
        value = super().to_python(value)
        return PartialDate.parse(value) if value else None

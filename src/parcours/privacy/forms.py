from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.privacy.fields import PartialDate


class PartialDateWidget(forms.MultiWidget):
    """The date picker every other date has, and beside it the year alone, for people who know
    only that. A date picked wins over a year typed."""

    template_name = "privacy/widgets/partial_date.html"

    def __init__(self, attrs=None):
        super().__init__(
            [
                forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                forms.NumberInput(
                    attrs={"min": 1900, "max": 2100, "inputmode": "numeric", "class": "year"}
                ),
            ],
            attrs,
        )

    def id_for_label(self, id_):
        """The field's label names the date picker (the year has a label of its own); Django's
        MultiWidget names none, which left the picker without an accessible name."""
        return f"{id_}_0" if id_ else ""

    def decompress(self, value):
        text = str(value or "")
        return [text, ""] if len(text) == 10 else ["", text]

    def value_from_datadict(self, data, files, name):
        if name in data:  # one value, YYYY-MM-DD or YYYY (imports, older clients)
            return data.get(name)
        day, year = super().value_from_datadict(data, files, name)
        return (day or "").strip() or (year or "").strip()

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["year_label"] = _("or the year alone")
        return context


class PartialDateFormField(forms.CharField):
    """Accepts a full date or the year alone (people often know only the year of birth)."""

    widget = PartialDateWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.pop("empty_value", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {}  # no maxlength on a date picker and a year

    def to_python(self, value):
        value = super().to_python(value)
        return PartialDate.parse(value) if value else None

"""How long a free text may be. Each kind of text has a limit that suits it; the limit is said
at the field and counted as one types (parcours.js), and the server refuses a longer text with
a message naming the field, saving nothing. The browser is never asked to cut: a ``maxlength``
attribute drops the rest of a paste without a word."""

from dataclasses import dataclass

from django import forms
from django.utils.formats import get_format, number_format

NOTE = 4000  # a contact note, a screening note, a reason, a plan's strengths, needs, obstacles
ANSWER = 4000  # a free-text answer of an instrument (the barriers of a Client Summary Sheet)
SHORT_TEXT = 1000  # an action's outcome, a document's description, a correction's reason
ACTION = 500  # what an action is: a line in a to-do list
ADDRESS = 500


@dataclass(frozen=True)
class Limit:
    """A limit as the page says it and counts it, in the language's way of writing numbers."""

    characters: int

    @property
    def shown(self) -> str:
        return number_format(self.characters, force_grouping=True)

    @property
    def separator(self) -> str:
        return get_format("THOUSAND_SEPARATOR")


class LimitedCharField(forms.CharField):
    """A text field whose limit the server checks and, for a text of several lines, the page
    says and counts, instead of the browser's maxlength."""

    @property
    def limit(self) -> Limit | None:
        """The limit of a text of several lines, said and counted on the page; a line (a
        name) is not counted aloud."""
        if self.max_length is None or not isinstance(self.widget, forms.Textarea):
            return None
        return Limit(self.max_length)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        if self.max_length is not None and isinstance(widget, forms.Textarea):
            attrs["data-limit"] = str(self.max_length)
        return attrs

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.notify.models import DEFAULT_CHANNEL, Channel, Kind

COORDINATOR_KINDS = (Kind.ACCESS_ALERT, Kind.DELIVERY_FAILED)


class ChannelsForm(forms.Form):
    """One choice per kind of event: in Parcours only, an e-mail at once, or the digest."""

    def __init__(self, *args, current: dict, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Channel.choices,
                initial=current.get(kind, DEFAULT_CHANNEL[kind]),
                widget=forms.RadioSelect,
            )
        if Kind.DEADLINE in self.fields:
            self.fields[Kind.DEADLINE].help_text = _(
                "A deadline two days away or less is always sent by e-mail at once."
            )

    def choices(self) -> dict[str, str]:
        return dict(self.cleaned_data)

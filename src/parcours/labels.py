"""Labels kept as data (criteria, document kinds, deadline rules) in Dutch, French and English."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedLabel(models.Model):
    label_nl = models.CharField(_("label (Dutch)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        """The label in the active language, English when that one is empty."""
        return getattr(self, label_field()) or self.label_en


def label_field() -> str:
    """The field of the label in the active language: ``label_fr``, for lists read as values
    (Dutch, French and English are kept; any other language reads English)."""
    code = (get_language() or "en")[:2]
    return f"label_{code}" if code in ("nl", "fr") else "label_en"

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
        return getattr(self, f"label_{(get_language() or 'en')[:2]}", "") or self.label_en

"""Named evaluation rounds: a period whose sheets a report counts, saved under a name."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    """An evaluation round ("2026 mid-term"): the report takes each family's latest sheet
    submitted between its first and last day."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="rounds",
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="round_name_per_project"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="round_in_order"
            ),
        ]

    def __str__(self):
        return self.name

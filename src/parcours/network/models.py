"""Evaluation data pooled from the projects of a network (the seed's consultant evaluated
pilots in several countries): each imported file is one source of pseudonymised families."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PooledSource(models.Model):
    """One project's signed evaluation export, loaded into a network project.

    Importing a newer export of the same organisation's project replaces the older one, so
    the network holds each project once.
    """

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("network project"),
        on_delete=models.CASCADE,
        related_name="pooled_sources",
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    name = models.CharField(_("project"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True)
    exported_at = models.DateTimeField(_("exported"))
    digest = models.CharField(_("file digest (SHA-256)"), max_length=64)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pooled source")
        verbose_name_plural = _("pooled sources")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "name"], name="one_source_per_project"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

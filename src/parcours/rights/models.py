"""The record of erasures: that a file (or a member) was erased, when, by whom and why (a
code), never what it held."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.privacy.fields import EncryptedCharField


class ErasureReason(models.TextChoices):
    REQUEST = "request", _("the person asked (GDPR article 17)")
    RETENTION = "retention", _("the retention period has passed")
    NOT_NEEDED = "not_needed", _("no longer needed for its purpose")


class Erasure(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Not foreign keys: the record must outlive what it describes.
    family_id = models.UUIDField()
    person_id = models.UUIDField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=ErasureReason.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.family_id} {self.at:%Y-%m-%d}"


class Hold(models.Model):
    """A coordinator keeps a file past its retention period (a legal procedure still open)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="holds")
    reason = EncryptedCharField(_("why"), max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.family_id} {self.at:%Y-%m-%d}"

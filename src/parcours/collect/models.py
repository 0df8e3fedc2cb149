"""A phone's access: one token per person, project and device, shown once, kept only hashed.

ODK Collect cannot do the web's second factor, so a phone signs in with the person's user name
and a long random token made in Parcours (by the person, or by an operator for many phones at
once). A token opens the OpenRosa endpoints of its project and nothing else, and stops working
when it is revoked, when the person is deactivated, or when they no longer work on the project.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 24  # 192 random bits: a plain SHA-256 suffices to keep it, as for API keys


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class DeviceTokenQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(revoked_at=None)


class DeviceToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="device_tokens",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="device_tokens",
    )
    name = models.CharField(
        _("phone"), max_length=60, help_text=_("For example: Sara's Android, office tablet 2.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = DeviceTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone token")
        verbose_name_plural = _("phone tokens")
        ordering = ["revoked_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "project", "name"],
                condition=Q(revoked_at=None),
                name="one_token_per_phone_name",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.name}"

    @property
    def in_use(self) -> bool:
        return self.revoked_at is None

    def touch(self) -> None:
        """Note the use, at most once a minute (each request of a sync would write otherwise)."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            self.last_used_at = now
            DeviceToken.objects.filter(pk=self.pk).update(last_used_at=now)

"""Personal API tokens and the answers kept for idempotent writes.

A token is shown once and kept as its SHA-256 (it is long and random, so no slow hash is
needed); what it may do is its scopes, never more than its owner's roles allow at the moment
of each request (``parcours.api.tokens.authenticate``).
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "pct_"  # noqa: S105 (a prefix that says what it is, not a secret)
DEFAULT_DAYS = 90
MAX_DAYS = 365


class Scope(models.TextChoices):
    CASES_READ = "cases:read", _("read families (projects, families, contacts, actions)")
    CASEWORK_WRITE = "casework:write", _("write casework (referrals, contacts, actions)")
    SHEETS_READ = "sheets:read", _("read sheets")
    SHEETS_WRITE = "sheets:write", _("submit sheets")
    REPORTS_READ = "reports:read", _("read cohort reports")
    WEBHOOKS_MANAGE = "webhooks:manage", _("manage webhooks")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def in_use(self):
        return self.filter(revoked_at=None, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=60, help_text=_("What uses it, for example: legal aid database.")
    )
    scopes = models.JSONField(_("scopes"), default=list)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every project of the owner."),
    )
    # The first characters, shown in lists and the audit trail to tell tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["revoked_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], condition=Q(revoked_at=None), name="one_api_token_per_name"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.name}"

    @property
    def in_use(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def label(self) -> str:
        """How the audit trail names the token: never the token itself."""
        return f"token {self.pk} {self.prefix}"

    def expires_in(self) -> datetime.timedelta:
        return self.expires_at - timezone.now()


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an Idempotency-Key, replayed for the same key and
    body; kept PARCOURS_API_IDEMPOTENCY_HOURS."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_idempotency_key")
        ]

    def __str__(self):
        return self.key


class RateCount(models.Model):
    """Requests of a token in one clock minute (parcours.api.throttles): one row per token and
    minute, counted by one upsert that every server process shares."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()
    requests = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="one_count_per_token_minute")
        ]

    def __str__(self):
        return f"{self.token_id}@{self.minute}: {self.requests}"

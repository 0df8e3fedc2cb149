"""The audit trail: who touched which family file, how, when and from where.

Append-only: the model refuses updates and deletes, and database triggers (see the
migration) refuse them too, so not even a bug or a shell can rewrite history. Rows never
hold field values, only which object was touched.
"""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("removed")
    ERASE = "erase", _("erased")
    TRANSITION = "transition", _("status changed")
    EXPORT = "export", _("exported")
    LOGIN = "login", _("signed in")
    LOGOUT = "logout", _("signed out")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("set up two-factor sign-in")
    TWO_FACTOR_RESET = "2fa_reset", _("two-factor sign-in reset")
    PASSWORD_CHANGED = "password_changed", _("changed their password")
    ROLE_GRANTED = "role_granted", _("role given")
    ROLE_REVOKED = "role_revoked", _("role taken away")
    BACKUP = "backup", _("backup made")
    RESTORE = "restore", _("restored from a backup")
    DEVICE_ADDED = "device_added", _("phone connected")
    DEVICE_REVOKED = "device_revoked", _("phone disconnected")
    TOKEN_CREATED = "token_created", _("API token made")
    TOKEN_USED = "token_used", _("API token first used")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    SSO_SIGNED_IN = "sso_signed_in", _("signed in through the organisation's account")
    SSO_REFUSED = "sso_refused", _("refused by single sign-on")
    SSO_LINKED = "sso_linked", _("linked to the organisation's account")
    SSO_UNLINKED = "sso_unlinked", _("unlinked from the organisation's account")
    SSO_ENDED = "sso_ended", _("signed out by the organisation's provider")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit trail is append-only")

    def delete(self):
        raise PermissionError("the audit trail is append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object"), max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    # Not a foreign key: the trail must outlive the file it describes.
    family_id = models.UUIDField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # The page or export it came from, by its name ("legal:dossier"): never its query string.
    page = models.CharField(_("page"), max_length=80, blank=True)
    # HMAC of this row and the chain value of the row before it (parcours.privacy.audit).
    chain = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        # In the order a file's rows are shown: its latest ten are the index's first ten,
        # where a file read thousands of times had all its rows sorted for them.
        indexes = [models.Index(fields=["family_id", "-at", "-id"], name="audit_family_latest")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit trail is append-only")

    @property
    def object_label(self) -> str:
        """The touched object's kind in the reader's language ("family", "person")."""
        return object_label(self.object_type)


def object_label(object_type: str) -> str:
    """The kind of object an audit row names (``app.model``) in the reader's language."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type

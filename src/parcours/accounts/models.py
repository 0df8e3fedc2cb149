"""Users and what they may do in each project.

A user holds one role per project. What a role may see of case data is decided in one place,
``parcours.cases.visibility``; this module only records who holds which role where.
"""

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from parcours.privacy.fields import EncryptedCharField


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("case manager")
    COORDINATOR = "coordinator", _("coordinator")
    EVALUATOR = "evaluator", _("evaluator")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """A person who signs in. Staff status is only for the administrators' admin site."""

    # Raised to end every session of the user at once (a reset of their second factor).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # The language they last chose in the menu: what Parcours writes to them in (mails).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        """Sessions carry this hash: a new password or a new session generation ends them."""
        return salted_hmac(
            "parcours.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def project_ids(self, *roles: Role) -> set[int]:
        """Projects where the user holds one of ``roles`` (memberships cached per instance)."""
        if not hasattr(self, "_memberships"):
            self._memberships = list(self.memberships.values_list("project_id", "role"))
        return {pid for pid, role in self._memberships if role in roles}

    def has_role(self, role: Role, project_id: int | None = None) -> bool:
        ids = self.project_ids(role)
        return bool(ids) if project_id is None else project_id in ids


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="one_role_per_project")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.project}"


def coordinators(project_id: int):
    """The project's active coordinators: whom the things that need a coordinator are told."""
    return User.objects.filter(
        is_active=True, memberships__project_id=project_id, memberships__role=Role.COORDINATOR
    ).distinct()


def recovery_hash(code: str) -> str:
    """Codes are long and random, so a plain SHA-256 of the normalised code suffices."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodes(ThrottlingMixin, Device):
    """Ten one-time codes for when the phone is lost; only their hashes are kept."""

    code_hashes = models.JSONField(default=list)

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token) -> bool:
        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        wanted = recovery_hash(str(token))
        with transaction.atomic():
            # Locked, so one code cannot be spent twice by two requests at once.
            codes = RecoveryCodes.objects.select_for_update().get(pk=self.pk)
            if wanted not in codes.code_hashes:
                self.throttle_increment()
                return False
            codes.code_hashes = [h for h in codes.code_hashes if h != wanted]
            codes.save(update_fields=["code_hashes"])
        self.code_hashes = codes.code_hashes
        return True

    @property
    def remaining(self) -> int:
        return len(self.code_hashes)


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """The authenticator app on the person's phone (TOTP): django-otp's TOTPDevice, with its
    secret sealed at rest like the families' fields (and turned to a new key by
    ``parcours rotate-keys``): a copy of the database alone cannot make anyone's codes.

    The fields and the checking are django-otp's own; only the key's column differs.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = EncryptedCharField(_("secret"), max_length=80, default=default_key, bind_to=("uid",))
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

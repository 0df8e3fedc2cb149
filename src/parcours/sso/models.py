"""Accounts linked to the organisation's identity provider (OpenID Connect).

A link says which person at the provider an account is (issuer and subject): made by an
administrator (``parcours link-sso``) or the first time that person signs in with a verified
e-mail address an administrator or coordinator gave the account. Roles stay in Parcours.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from parcours.privacy.fields import EncryptedTextField


class Factor(models.TextChoices):
    """The second factor of a sign-in through the provider."""

    PROVIDER = "provider", _("the provider's own")
    PARCOURS = "parcours", _("Parcours' code")
    NONE = "none", _("none")


class ProviderLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="provider_link",
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    last_factor = models.CharField(
        _("second factor"), max_length=10, choices=Factor.choices, blank=True
    )
    # What lets the worker ask the provider, between requests, whether the account still
    # exists there (a refresh grant): sealed like the families' fields.
    refresh_token = EncryptedTextField(_("refresh token"), blank=True, max_length=4000)
    checked_at = models.DateTimeField(_("last checked at the provider"), null=True, blank=True)
    # The provider refused the account at a check: sessions ended, phone and API tokens
    # stopped until the person signs in through the provider again or an administrator
    # unlinks the account.
    refused_at = models.DateTimeField(_("refused by the provider"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on link")
        verbose_name_plural = _("single sign-on links")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self):
        return f"{self.user} · {self.subject}"


class ProviderSession(models.Model):
    """A Parcours session made by a sign-in through the provider: what its back-channel
    logout names (``sid``) ends."""

    link = models.ForeignKey(ProviderLink, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    sid = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.link} · {self.created_at:%Y-%m-%d %H:%M}"


class ProviderFactor(Device):
    """The provider's second factor, as a django-otp device: a session verified by it counts as
    verified everywhere Parcours asks (``user.is_verified()``). It checks no code itself."""

    class Meta:
        verbose_name = _("second factor at the provider")
        verbose_name_plural = _("second factors at the provider")

    def verify_token(self, token) -> bool:
        return False

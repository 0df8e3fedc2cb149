"""Casework on an admitted family: contacts, the plan and its actions, reviews, consent,
the directory of lawyers and services and referrals to them.

Free text that can describe a family (notes, plan, outcomes) is encrypted like the family file.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.casework.choices import (
    AccompanimentTo,
    ActionActor,
    ActionStatus,
    ConsentPurpose,
    ContactKind,
    ProviderKind,
    ReferralStatus,
)
from parcours.privacy.fields import EncryptedTextField
from parcours.textlimits import ACTION, SHORT_TEXT
from parcours.versioning import Versioned

MAX_CONTACT_MINUTES = 12 * 60


class Contact(models.Model):
    """One contact with the family: a visit, a call, a message, a meeting, an accompaniment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    accompanied_to = models.CharField(
        _("accompanied"), max_length=12, choices=AccompanimentTo.choices, blank=True
    )
    on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    present = models.ManyToManyField(
        "cases.Person",
        verbose_name=_("family members present"),
        blank=True,
        related_name="contacts",
    )
    interpreter = models.BooleanField(_("with an interpreter"), default=False)
    note = EncryptedTextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The submission a phone sent it as (ODK Collect's instanceID): sent again, it is not
    # logged twice.
    instance_id = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-on", "-created_at"]
        indexes = [models.Index(fields=["family", "-on"], name="contact_family_on")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class CasePlan(Versioned):
    """The family's strengths, needs and obstacles, as the action plan starts from them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.OneToOneField("cases.Family", on_delete=models.CASCADE, related_name="plan")
    strengths = EncryptedTextField(_("strengths"), blank=True)
    needs = EncryptedTextField(_("needs"), blank=True)
    obstacles = EncryptedTextField(_("obstacles"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case plan")
        verbose_name_plural = _("case plans")

    def __str__(self):
        return f"plan {self.family_id}"


class Action(Versioned):
    """One concrete step of the plan: who acts, by when, with what outcome."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("action"), max_length=ACTION)
    actor = models.CharField(_("who acts"), max_length=20, choices=ActionActor.choices)
    concerns = models.ForeignKey(
        "cases.Person",
        verbose_name=_("concerns"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("The family member this is about, when their interests differ."),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    outcome = EncryptedTextField(_("outcome"), max_length=SHORT_TEXT, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["status", "due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="action_status_due")]

    def __str__(self):
        return f"{self.get_status_display()} {self.due_on or ''}"


class Review(Versioned):
    """A periodic review: progress against the plan and what changes in it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    progress = EncryptedTextField(_("progress"))
    plan_changes = EncryptedTextField(_("changes to the plan"), blank=True)
    baseline = models.ForeignKey(
        "instruments.Response",
        verbose_name=_("baseline scored again"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on"]

    def __str__(self):
        return f"review {self.held_on}"


class ServiceProvider(Versioned):
    """A lawyer or service in the organisation's directory (professional contacts only)."""

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="providers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    name = models.CharField(_("name"), max_length=200)
    office = models.CharField(_("office or organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("lawyer or service")
        verbose_name_plural = _("lawyers and services")
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_on__isnull=True)


def consents_to_evaluation() -> Q:
    """For a query of families: those whose sheets may reach evaluators, because their consent
    to evaluation is in force today (given, not withdrawn). Families pooled from a network
    source came with their organisation's consent."""
    on = timezone.localdate()
    in_force = Consent.objects.filter(
        family=OuterRef("pk"), purpose=ConsentPurpose.EVALUATION, given_on__lte=on
    ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    return Q(pooled_from__isnull=False) | Q(Exists(in_force))


class Consent(Versioned):
    """What the family agreed to, when, recorded by whom; withdrawn when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=24, choices=ConsentPurpose.choices)
    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.given_on}"


class ServiceReferral(Versioned):
    """The family referred to a lawyer or service, under a consent to share with them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="service_referrals"
    )
    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("lawyer or service"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField(_("referred on"))
    reason = EncryptedTextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    outcome = EncryptedTextField(_("outcome"), max_length=SHORT_TEXT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral to a service")
        verbose_name_plural = _("referrals to services")
        ordering = ["-referred_on"]

    def __str__(self):
        return f"{self.provider} {self.referred_on}"


class CalendarFeed(models.Model):
    """A user's secret calendar address; only a hash of the secret is kept. Revocable."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # Calendar applications send no language: the feed speaks the one its owner used.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"calendar of {self.user_id}"

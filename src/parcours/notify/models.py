"""What Parcours tells a person (a notification), how they want to hear of it (a preference),
and what must leave Parcours for it (a message in the outbox).

A notification keeps codes, dates and the case number, never a name or free text: its words
are written when it is read, in the reader's language.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.privacy.fields import EncryptedCharField


def now():
    """The time as ``django.utils.timezone.now`` says at the call (a clock set in tests)."""
    return timezone.now()


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("A family is assigned to you")
    HANDED_OVER = "handed_over", _("A family is handed over away from you")
    COVER = "cover", _("Cover of a family starts or ends")
    DEADLINE = "deadline", _("A legal deadline is near")
    REVIEW_OVERDUE = "review_overdue", _("A review is overdue")
    ACTION_OVERDUE = "action_overdue", _("An action is overdue")
    QUIET = "quiet", _("A family without contact for too long")
    SHEET_CORRECTED = "sheet_corrected", _("A sheet is corrected by someone else")
    JOB_ENDED = "job_ended", _("Background work you asked for has ended")
    ACCESS_ALERT = "access_alert", _("Unusual access to files (coordinators)")
    DELIVERY_FAILED = "delivery_failed", _("A phone, token or delivery failed (coordinators)")
    POSSIBLE_DUPLICATE = "possible_duplicate", _("A referral may be a family known before")
    FLAGGED = "flagged", _("A family's file is flagged for attention")
    APPROVAL = "approval", _("An approval is asked for or decided")


class Channel(models.TextChoices):
    APP = "app", _("In Parcours only")
    INSTANT = "instant", _("By e-mail at once")
    DIGEST = "digest", _("In the daily e-mail digest")


# How each kind reaches a person who has chosen nothing (and whose project says nothing).
DEFAULT_CHANNEL = {
    Kind.ASSIGNED: Channel.INSTANT,
    Kind.HANDED_OVER: Channel.INSTANT,
    Kind.COVER: Channel.INSTANT,
    Kind.DEADLINE: Channel.INSTANT,
    Kind.REVIEW_OVERDUE: Channel.DIGEST,
    Kind.ACTION_OVERDUE: Channel.DIGEST,
    Kind.QUIET: Channel.DIGEST,
    Kind.SHEET_CORRECTED: Channel.APP,
    Kind.JOB_ENDED: Channel.APP,
    Kind.ACCESS_ALERT: Channel.INSTANT,
    Kind.DELIVERY_FAILED: Channel.INSTANT,
    Kind.POSSIBLE_DUPLICATE: Channel.INSTANT,
    Kind.FLAGGED: Channel.INSTANT,
    Kind.APPROVAL: Channel.INSTANT,
}


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def expired(self):
        kept = timezone.now() - timezone.timedelta(days=settings.PARCOURS_NOTIFICATION_KEEP_DAYS)
        return self.filter(created_at__lt=kept)


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, null=True, blank=True)
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True)
    case_number = models.CharField(max_length=32, blank=True)
    params = models.JSONField(default=dict, blank=True)  # codes, dates, counts: never a name
    link = models.CharField(max_length=300, blank=True)  # a path on this site
    # One notification per key and person, however often the daily run runs ("" for none).
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_mine"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="one_notification_per_key"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.case_number}"


class Preference(models.Model):
    """How one person hears of one kind of event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_choice_per_kind")]

    def __str__(self):
        return f"{self.kind}: {self.channel}"


class ProjectDefault(models.Model):
    """How the people of a project hear of one kind of event until they choose themselves."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="notification_defaults"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="one_default_per_kind")
        ]

    def __str__(self):
        return f"{self.kind}: {self.channel}"


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    DROPPED = "dropped", _("not sent: no longer allowed")


class Webhook(models.Model):
    """A system told of a project's events (parcours.notify.webhooks): a URL, the events it
    wants, and the secret its deliveries are signed with (sealed like personal fields)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    deadline_days = models.PositiveSmallIntegerField(
        _("days before a deadline"),
        default=7,
        help_text=_("For deadline.approaching: how many days ahead."),
    )
    secret = EncryptedCharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), default=now)
    active = models.BooleanField(_("active"), default=True)
    # Set when deliveries failed for PARCOURS_OUTBOX_RETRY_HOURS: nothing is sent until resumed.
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at"]

    def __str__(self):
        return self.url

    @property
    def sending(self) -> bool:
        return self.active and self.paused_at is None


class Message(models.Model):
    """One thing that must leave Parcours (an e-mail, a webhook's delivery), written in the same
    transaction as what causes it and delivered by the worker: retried with backoff until it
    goes or PARCOURS_OUTBOX_RETRY_HOURS have passed; never sent twice for one key."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("webhook")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=20)  # "notification", "digest"
    key = models.CharField(max_length=200, unique=True)  # e-mail:<notification>, digest:<…>
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, null=True)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, related_name="messages"
    )
    payload = models.JSONField(default=dict, blank=True)  # codes and dates, never a name
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=now)
    # A worker holds a message while it sends it; one killed outright lets go when this passes.
    leased_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbox_due",
            )
        ]

    def __str__(self):
        return self.key


class DeliveryAttempt(models.Model):
    """One try at delivering a webhook's message: what the receiver answered, or the error."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("when"), default=now)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    milliseconds = models.PositiveIntegerField(_("took (ms)"), default=0)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["webhook", "-at"], name="delivery_attempts_of_webhook")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

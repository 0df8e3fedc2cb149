"""The legal dossier: procedures and their lawyers, the reconstructed timeline, documents with
their validity, and deadline rules kept as data per country.

The seed calls the reconstructed timeline the heart of the work: it "brings order to an often
chaotic story" and shows where a lawyer is needed.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from parcours.dates import add_months
from parcours.labels import TranslatedLabel
from parcours.legal.choices import (
    Authority,
    DocumentStatus,
    EventKind,
    Precision,
    ProcedureStatus,
    ProcedureType,
)
from parcours.privacy.fields import EncryptedCharField, EncryptedTextField
from parcours.textlimits import SHORT_TEXT
from parcours.versioning import Versioned


class DeadlineRule(Versioned, TranslatedLabel):
    """A time limit counted from a notification, per country: data shared by every
    organisation, kept by administrators; a project may set its own limit (DeadlineOverride).

    It applies to a notified procedure of one of ``procedure_types`` (comma-separated codes),
    when its status is ``on_status`` (empty: any). A fixed limit has min_days == max_days; a
    range (an order to leave of 7 to 30 days) takes the period the decision states.
    """

    country = CountryField(_("country"), default="BE")
    code = models.SlugField(_("code"), max_length=40)
    procedure_types = models.CharField(_("procedure types"), max_length=300)
    on_status = models.CharField(
        _("when the status is"), max_length=12, choices=ProcedureStatus.choices, blank=True
    )
    min_days = models.PositiveSmallIntegerField(_("at least (days)"))
    max_days = models.PositiveSmallIntegerField(_("at most (days)"))

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["country", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="deadline_rule_code"),
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("max_days")), name="deadline_range"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def procedure_type_labels(self) -> str:
        """The procedure types in words, for pages (the field keeps their codes)."""
        labels = dict(ProcedureType.choices)
        codes = [t.strip() for t in self.procedure_types.split(",") if t.strip()]
        return ", ".join(str(labels.get(code, code)) for code in codes)

    def applies_to(self, procedure) -> bool:
        types = {t.strip() for t in self.procedure_types.split(",")}
        return procedure.type in types and self.on_status in ("", procedure.status)

    def limits_for(self, project_id) -> tuple[int, int]:
        """(at least, at most) days for a project: its own override, or the country's rule.
        Reads ``overrides`` through its prefetch cache when a list prefetched it."""
        for override in self.overrides.all():
            if override.project_id == project_id:
                return override.min_days, override.max_days
        return self.min_days, self.max_days


class DeadlineOverride(Versioned):
    """A project's own limit for a shared rule (a local court's practice, say), set by its
    coordinators; the country's rule stays as it is for everyone else."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="deadline_overrides",
    )
    rule = models.ForeignKey(
        DeadlineRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="overrides"
    )
    min_days = models.PositiveSmallIntegerField(_("at least (days)"))
    max_days = models.PositiveSmallIntegerField(_("at most (days)"))
    note = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("project deadline")
        verbose_name_plural = _("project deadlines")
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], name="one_override_per_rule"),
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("max_days")),
                name="deadline_override_range",
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.project}"


class Procedure(Versioned):
    """A procedure for one family member or for the whole family."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="procedures")
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("for"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="procedures",
        help_text=_("Leave empty for the whole family."),
    )
    type = models.CharField(_("procedure"), max_length=24, choices=ProcedureType.choices)
    authority = models.CharField(
        _("authority"), max_length=20, choices=Authority.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.PREPARING,
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    notified_on = models.DateField(
        _("notified on"),
        null=True,
        blank=True,
        help_text=_("The date the decision was notified: deadlines count from it."),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    deadline_rule = models.ForeignKey(
        DeadlineRule,
        verbose_name=_("deadline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period_days = models.PositiveSmallIntegerField(
        _("period stated in the decision (days)"), null=True, blank=True
    )
    lawyer = models.ForeignKey(
        "casework.ServiceProvider",
        verbose_name=_("lawyer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
    )
    reference = EncryptedCharField(_("reference number"), max_length=100, blank=True)
    outcome = EncryptedTextField(_("outcome"), max_length=SHORT_TEXT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["-filed_on", "-created_at"]

    def __str__(self):
        return self.get_type_display()

    @property
    def deadline(self) -> datetime.date | None:
        """The last day to act, counted from notification, or None."""
        rule = self.deadline_rule
        if rule is None or self.notified_on is None:
            return None
        low, _high = rule.limits_for(self.family.project_id)
        days = self.period_days if self.period_days is not None else low
        return self.notified_on + datetime.timedelta(days=days)


class LawyerAssignment(models.Model):
    """Who held a procedure when: the seed's families often change lawyer."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="lawyers")
    lawyer = models.ForeignKey(
        "casework.ServiceProvider", on_delete=models.PROTECT, related_name="+"
    )
    from_date = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["from_date"]

    def __str__(self):
        return f"{self.lawyer_id} {self.from_date}"


class DocumentKind(TranslatedLabel):
    """A kind of document and how long it stays valid by default (data, not code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: valid until the expiry date written on the document."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("kind of document")
        verbose_name_plural = _("kinds of document")
        ordering = ["position", "code"]

    def __str__(self):
        return self.label


class Document(Versioned):
    """A piece of evidence or an identity document, with its validity and maybe a file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey("cases.Family", on_delete=models.CASCADE, related_name="documents")
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("for"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.ForeignKey(DocumentKind, verbose_name=_("kind"), on_delete=models.PROTECT)
    description = EncryptedCharField(_("description"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"),
        null=True,
        blank=True,
        help_text=_("As written on the document; otherwise computed from its kind."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PRESENT
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    # The attached file: sealed on disk outside the web root, under a random name.
    file_key = models.CharField(max_length=64, blank=True)
    file_name = EncryptedCharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(max_length=60, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_on", "-created_at"]

    def __str__(self):
        return str(self.kind)

    @property
    def valid_until(self) -> datetime.date | None:
        if self.expires_on:
            return self.expires_on
        if self.issued_on and self.kind.validity_months:
            return add_months(self.issued_on, self.kind.validity_months)
        return None

    def is_valid_on(self, day: datetime.date) -> bool | None:
        until = self.valid_until
        return None if until is None else day <= until


class TimelineEvent(models.Model):
    """One moment of the family's history, as precisely as it is known."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="timeline_events"
    )
    on = models.DateField(_("date"))
    precision = models.CharField(
        _("precision"), max_length=12, choices=Precision.choices, default=Precision.DAY
    )
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    persons = models.ManyToManyField(
        "cases.Person", verbose_name=_("who"), blank=True, related_name="timeline_events"
    )
    description = EncryptedTextField(_("description"), max_length=SHORT_TEXT, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["on", "created_at"]
        indexes = [models.Index(fields=["family", "on"], name="event_family_on")]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"

"""Organisations, their projects (sites) and each project's admission criteria."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from parcours.labels import TranslatedLabel


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


def default_retention_years() -> int:
    return settings.PARCOURS_RETENTION_YEARS


def validate_reminder_days(value: str) -> None:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not parts or not all(p.isdigit() and int(p) <= 365 for p in parts):
        raise ValidationError(
            _("Days from 0 to 365 separated by commas, for example 14,7,2,0."), code="invalid"
        )


class Project(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), default="BE")
    case_number_prefix = models.CharField(
        _("case number prefix"),
        max_length=8,
        help_text=_("Case numbers read PREFIX-YEAR-NUMBER, e.g. PT-2026-007."),
    )
    review_interval_weeks = models.PositiveSmallIntegerField(
        _("review interval (weeks)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text=_("An active case is reviewed at least this often."),
    )
    contact_alert_days = models.PositiveSmallIntegerField(
        _("alert after days without contact"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    deadline_reminder_days = models.CharField(
        _("remind of legal deadlines (days before)"),
        max_length=40,
        default="14,7,2,0",
        validators=[validate_reminder_days],
        help_text=_(
            "Days before a deadline on which its case managers are reminded, separated by "
            "commas; 0 is the day itself. From two days before, the coordinators are told too."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep files after closure (years)"),
        default=default_retention_years,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Then parcours apply-retention erases them, unless a coordinator holds one."),
    )
    approvals = models.BooleanField(
        _("approvals"),
        default=False,
        help_text=_(
            "Closing a file, and the case plan at first and after each change, need a "
            "coordinator's approval."
        ),
    )
    network = models.BooleanField(
        _("network project"),
        default=False,
        help_text=_(
            "Holds the pseudonymised evaluation data that member projects export, "
            "for a pooled report; never case files."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def reminder_days(self) -> set[int]:
        return {int(p) for p in self.deadline_reminder_days.split(",") if p.strip().isdigit()}


class ProjectListItem(TranslatedLabel):
    """An entry of a list each project keeps for itself: a code, its place, whether in use."""

    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.label


class EligibilityCriterion(ProjectListItem):
    """One admission criterion, assessed met / not met / unclear at screening."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="criteria"
    )

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="criterion_code_per_project")
        ]


class FlagReason(ProjectListItem):
    """Why a file may be flagged for attention (safeguarding, medical urgency…): the project's
    own list, in three languages."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="flag_reasons"
    )

    class Meta:
        verbose_name = _("flag reason")
        verbose_name_plural = _("flag reasons")
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="flag_reason_code_per_project")
        ]

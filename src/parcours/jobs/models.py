"""A piece of long work someone asked for: its progress, its outcome, its result file.

The task queue (django-tasks' database backend) only knows that a task with some arguments is
to run; the job is what a person sees: what they asked for, how far it got, why it failed, and
the file it made, sealed under the file root like every other file and kept for a few days.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for its turn")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


LIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE)

    def of(self, user):
        """The jobs a person asked for: nobody sees another's job, its progress or its file."""
        return self.filter(requested_by=user)

    def expired(self):
        kept = timezone.now() - timezone.timedelta(days=settings.PARCOURS_JOB_KEEP_DAYS)
        return self.exclude(status__in=LIVE).filter(created_at__lt=kept)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(  # nobody for the daily work the worker does itself
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="jobs",
        null=True,
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, null=True
    )
    # Two live jobs never share a key: the same export asked twice is one job, and one
    # project's imports run one after the other.
    exclusive_key = models.CharField(max_length=200)
    language = models.CharField(max_length=8, default="en")
    ip_address = models.GenericIPAddressField(null=True)
    page = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=dict, blank=True)  # codes and keys, never personal data
    input_key = models.CharField(max_length=64, blank=True)  # a sealed upload (privacy.files)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True)
    lines = models.JSONField(default=list, blank=True)  # the summary, or why it failed
    result_key = models.CharField(max_length=64, blank=True)
    result_name = models.CharField(max_length=100, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(auto_now=True)
    scheduled_for = models.DateField(null=True)  # the day of a daily run (parcours.jobs.daily)
    worker = models.CharField(max_length=64, blank=True)  # the worker running it (WorkerBeat)
    finished_at = models.DateTimeField(null=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_mine")]
        constraints = [
            models.UniqueConstraint(
                fields=["exclusive_key"],
                condition=Q(status__in=LIVE),
                name="one_live_job_per_key",
            ),
            models.UniqueConstraint(
                fields=["kind", "scheduled_for"],
                condition=Q(scheduled_for__isnull=False),
                name="one_daily_run_per_day",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def live(self) -> bool:
        return self.status in LIVE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, 100 * self.done // self.total)


class WorkerBeat(models.Model):
    """A worker says it is alive every few seconds (parcours worker). A job whose worker has
    fallen silent, or whose process on this machine is gone, was left by a worker killed
    outright, and is failed with a message rather than shown as running for ever."""

    name = models.CharField(max_length=64, primary_key=True)  # host-pid, or --worker-id
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return self.name

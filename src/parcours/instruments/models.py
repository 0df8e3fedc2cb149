"""Instruments (XLSForms), their versions, and the responses filled for families.

Answers are stored one row per answer: coded values (choices, numbers, dates) in plain, indexed
for GROUP BY reports; free text encrypted like the rest of the file. A submitted response never
changes: a correction is a new response that supersedes it, with a reason.
"""

import functools
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.ids import time_ordered_uuid
from parcours.instruments import xlsform
from parcours.privacy.fields import EncryptedTextField
from parcours.textlimits import ANSWER, SHORT_TEXT

FORMS_DIR = Path(__file__).parent / "forms"


class InstrumentCode(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    CLIENT_SUMMARY_SHEET = "client_summary_sheet", _("Client Summary Sheet")
    CASE_STUDY = "case_study", _("Case Study")


class InstrumentVersionQuerySet(models.QuerySet):
    def active(self, code: str, project=None) -> "InstrumentVersion":
        """The version new sheets use: the project's choice, else the default every project
        shares (``active``); the shipped XLSForm is installed the first time it is asked for."""
        if project is not None:
            chosen = ProjectInstrument.objects.filter(project=project, instrument=code).first()
            if chosen is not None:
                return chosen.version
        version = self.filter(instrument=code, active=True).first()
        if version is None:
            data = (FORMS_DIR / f"{code}.xlsx").read_bytes()
            definition = xlsform.read(data)
            version, _created = self.get_or_create(
                instrument=code,
                version=definition.version,
                defaults={"title": definition.title, "xlsx": data, "active": True},
            )
        return version


class InstrumentVersion(models.Model):
    """A version of an instrument, shared by every organisation; ``active`` marks the default,
    which administrators set; a project may use another (ProjectInstrument)."""

    instrument = models.CharField(_("instrument"), max_length=24, choices=InstrumentCode.choices)
    version = models.CharField(_("version"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    xlsx = models.BinaryField()
    # The XForm pyxform made of ``xlsx`` (for ODK Collect, Enketo, KoboToolbox); filled on
    # creation, or on first use for versions from before it was kept.
    xform = models.TextField(blank=True)
    active = models.BooleanField(_("in use"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InstrumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "version"], name="one_version_name"),
            models.UniqueConstraint(
                fields=["instrument"], condition=models.Q(active=True), name="one_active_version"
            ),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} {self.version}"

    @property
    def definition(self) -> xlsform.Definition:
        return _parse(self.pk, bytes(self.xlsx))

    def xform_xml(self) -> str:
        if not self.xform:
            from parcours.instruments.xforms import to_xform

            self.xform = to_xform(bytes(self.xlsx))
            InstrumentVersion.objects.filter(pk=self.pk).update(xform=self.xform)
        return self.xform


class ProjectInstrument(models.Model):
    """The version of an instrument one project's new sheets use, chosen by its coordinators."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="instrument_choices"
    )
    instrument = models.CharField(_("instrument"), max_length=24, choices=InstrumentCode.choices)
    version = models.ForeignKey(
        InstrumentVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("instrument of a project")
        verbose_name_plural = _("instruments of projects")
        constraints = [
            models.UniqueConstraint(fields=["project", "instrument"], name="one_choice_per_project")
        ]

    def __str__(self):
        return f"{self.project} · {self.version}"


@functools.lru_cache(maxsize=32)
def _parse(_pk, data: bytes) -> xlsform.Definition:
    return xlsform.read(data)


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    SUPERSEDED = "superseded", _("corrected")


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=time_ordered_uuid, editable=False)
    # Found by ``response_latest``, whose first column it is.
    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=24, choices=InstrumentCode.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    correction_reason = EncryptedTextField(
        _("reason for the correction"), max_length=SHORT_TEXT, blank=True
    )
    imported = models.BooleanField(default=False)
    # For imports: a hash of the case and the answers, so a file imported twice adds nothing.
    fingerprint = models.CharField(max_length=64, blank=True)
    # The submission's own ID in ODK or KoboToolbox (meta/instanceID, without "uuid:"): the same
    # submission imported or sent twice is stored once, and an edit (deprecatedID) corrects it.
    instance_id = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-created_at"]
        # Codes and fingerprints are only compared whole, so plain indexes: db_index adds a
        # second one for LIKE on PostgreSQL. With those and the ones the indexes below begin
        # with, an import kept 14 indexes per sheet, 9 of them needed.
        indexes = [
            models.Index(fields=["instrument", "status"], name="response_kind_status"),
            models.Index(fields=["fingerprint"], name="response_fingerprint"),
            models.Index(fields=["instance_id"], name="response_instance"),
            # The latest sheet of each family (reports rank a family's sheets by date).
            models.Index(
                fields=["family", "instrument", "status", "submitted_at"], name="response_latest"
            ),
            # Sheets submitted since a date, oldest first (the API's sheets, other systems
            # pulling what is new): read in order from here, not sorted whole.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(status="submitted"),
                name="response_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("instruments:response", args=[self.family_id, self.pk])


class Answer(models.Model):
    """One answer: ``value`` holds codes, numbers and dates; ``text`` holds free text."""

    # No index of its own: the unique (response, code) index serves lookups by response. An
    # import writes some 25 answers a sheet, and each index is paid for on every row. No
    # constraint in the database either: answers are written only with their sheet, by the
    # service that writes it, in its transaction, and deleted with it by Django (CASCADE is
    # Django's, not the database's); checking each answer's sheet cost an import of 100 000
    # sheets 3 000 000 lookups, a quarter of its time on PostgreSQL (all of them at COMMIT).
    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,
        db_constraint=False,
    )
    code = models.CharField(max_length=80)
    value = models.CharField(max_length=400, blank=True)
    text = EncryptedTextField(blank=True, max_length=ANSWER, bind_to=("response_id", "code"))
    # Free text reaches evaluators only once a coordinator has read and released it.
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set only (answer_released_by): most answers are not
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "code"], name="one_answer_per_question")
        ]
        indexes = [
            # Covering for the report's GROUP BY code, value over a set of sheets (a period, a
            # cohort), on SQLite only: without it a report narrowed to a period took 1.5 times
            # as long at 30 000 sheets. PostgreSQL is as fast from the unique index, and an
            # import paid a fifth of its time for this one (migration 0014 drops it there).
            models.Index(fields=["code", "value", "response"], name="answer_code_value"),
            # The few answers with free text (the barriers), by question, for the report.
            models.Index(fields=["code"], name="answer_free_text", condition=~models.Q(text="")),
            models.Index(
                fields=["released_by"],
                name="answer_released_by",
                condition=models.Q(released_by__isnull=False),
            ),
        ]

    def __str__(self):
        return self.code


class LatestSheet(models.Model):
    """A family's latest submitted sheet of one instrument (by submission, then creation, then
    id), kept for the cohort report, whose count without a period is each family's latest
    Client Summary Sheet: found by an anti-join over every sheet, that took a fifth of the
    report at 100 000 families. Written with the other figures (``parcours.instruments.figures``)
    and checked by ``parcours check-figures``."""

    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    instrument = models.CharField(max_length=24)
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["family", "instrument"], name="one_latest_sheet_per_instrument"
            )
        ]

    def __str__(self):
        return f"{self.instrument} {self.response_id}"


class AnswerTally(models.Model):
    """How many of the families' latest Client Summary Sheets (``LatestSheet``) of a project,
    or of one source pooled into a network project, hold each value of each question: the
    cohort report's answer tables without a period or any other choice, summed from a few
    hundred rows where a GROUP BY over every latest sheet's answers cost 2.6 s of 4.4 on
    SQLite at 100 000 families. Kept as signed changes, as ``cases.FiguresTally``: each write
    of the latest sheets adds, in its own transaction, a row per value it moved, and the
    worker folds them (``parcours.instruments.tallies``)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    # A pooled source's rows go with it when a newer export replaces it.
    pooled_from = models.ForeignKey(
        "network.PooledSource", on_delete=models.CASCADE, null=True, related_name="+"
    )
    code = models.CharField(max_length=80)
    value = models.CharField(max_length=400, blank=True)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["project", "code"], name="answer_tally_code")]

    def __str__(self):
        return f"{self.code}={self.value}: {self.n}"


class BaselineScore(models.Model):
    """A family's first and latest score of one Baseline item and how many it has, kept for the
    cohort report's "first against latest" (``parcours.instruments.figures``): written in the
    transaction of every change to the family's sheets, checked by ``parcours check-figures``."""

    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    code = models.CharField(max_length=80)
    first = models.IntegerField()
    latest = models.IntegerField()
    scores = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "code"], name="one_score_pair_per_item")
        ]

    def __str__(self):
        return f"{self.code} {self.first}→{self.latest}"

"""The family file: referral, screening, household, lifecycle.

Personal fields are encrypted (``parcours.privacy.fields``) and bound to their row, so every
model holding one has a UUID key set before it is first saved. Derived values (ages, counts,
length of stay) are computed here, never typed in.
"""

import datetime
import functools
import operator
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from parcours import bands
from parcours.accounts.models import Role
from parcours.bands import ADULT_AGE
from parcours.cases.choices import (
    Assessment,
    EngagementAtClosure,
    FamilyStatus,
    HousingKind,
    HousingStability,
    Livelihood,
    PersonRole,
    ProcedureStatus,
    ReferralRoute,
    Resolution,
    Sex,
    StatusAtEntry,
    nationality_choices,
    nationality_label,
)
from parcours.dates import completed_months, completed_years
from parcours.privacy.crypto import blind_index
from parcours.privacy.fields import (
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedPartialDateField,
    EncryptedTextField,
)
from parcours.textlimits import ADDRESS
from parcours.versioning import Versioned


def today() -> datetime.date:
    return timezone.localdate()


_ROLE_RANK = {PersonRole.PARENT: 0, PersonRole.OTHER: 1, PersonRole.CHILD: 2}


class GatedQuerySet(models.QuerySet):
    """Files behind the visibility gate: ``Family``, and ``FamilyFigures``, which keeps the
    file's project and network source and has the family as its primary key, so that counts
    are asked of the figures alone, through the same gate."""

    def visible_to(self, user) -> "GatedQuerySet":
        """The visibility gate: every page and command showing case data starts here.

        Coordinators see every family of their projects; case managers the families
        assigned to them; evaluators, administrators and everyone else see none. Pooled,
        pseudonymised families of a network project are evaluation data, never a case file.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        coordinated = user.project_ids(Role.COORDINATOR)
        managed = user.project_ids(Role.CASE_MANAGER) - coordinated
        if not coordinated and not managed:
            return self.none()
        # Only the conditions this person's roles need: each costs its compiling per request.
        reach = []
        if coordinated:
            reach.append(Q(project_id__in=coordinated))
        if managed:
            assigned = Family.case_managers.through.objects.filter(user_id=user.pk)
            covering = Cover.objects.current().filter(user_id=user.pk)
            reach.append(
                Q(project_id__in=managed)
                & (Q(pk__in=assigned.values("family_id")) | Q(pk__in=covering.values("family_id")))
            )
        return self.filter(functools.reduce(operator.or_, reach), pooled_from=None)


def full_name(given_name: str, family_name: str) -> str:
    """A person's name as Parcours writes it (``Person.full_name``)."""
    return f"{given_name} {family_name}".strip()


def household_name(members) -> str:
    """``Family.household_name`` of these members (a list page reads them itself)."""
    members = sorted(members, key=lambda p: _ROLE_RANK.get(p.role, 3))
    return " / ".join(dict.fromkeys(p.family_name for p in members if p.family_name))


class Family(Versioned):
    """One family's file, from the first referral to closure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="families",
    )
    case_number = models.CharField(_("case number"), max_length=32, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=FamilyStatus.choices, default=FamilyStatus.REFERRED
    )
    case_managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case managers"),
        related_name="caseload",
        blank=True,
    )

    # Referral
    referred_on = models.DateField(_("referred on"))
    referral_route = models.CharField(
        _("referral route"), max_length=30, choices=ReferralRoute.choices
    )
    referring_organisation = EncryptedCharField(
        _("referring organisation"), max_length=200, blank=True
    )
    referrer_name = EncryptedCharField(_("referrer's name"), blank=True)
    referrer_contact = EncryptedCharField(_("referrer's phone or e-mail"), blank=True)
    referral_notes = EncryptedTextField(_("referral notes"), blank=True)
    previous_referral = models.ForeignKey(
        "self",
        verbose_name=_("earlier referral"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_referrals",
        db_index=False,  # the partial index "family_previous_referral" below
    )

    # Household
    address = EncryptedTextField(_("address"), max_length=ADDRESS, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    languages = EncryptedCharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("For example: Arabic, French."),
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    housing_kind = models.CharField(
        _("housing"), max_length=20, choices=HousingKind.choices, blank=True
    )
    housing_stability = models.CharField(
        _("housing stability"), max_length=12, choices=HousingStability.choices, blank=True
    )
    livelihood = models.CharField(
        _("livelihood"), max_length=20, choices=Livelihood.choices, blank=True
    )
    support_network = EncryptedTextField(_("support network"), blank=True)
    status_at_entry = models.CharField(
        _("status at entry"), max_length=20, choices=StatusAtEntry.choices, blank=True
    )
    procedure_status = models.CharField(
        _("current procedure status"),
        max_length=20,
        choices=ProcedureStatus.choices,
        blank=True,
    )

    # Admission and closure
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    engagement_at_closure = models.CharField(
        _("engagement at closure"),
        max_length=24,
        choices=EngagementAtClosure.choices,
        blank=True,
    )

    # When the file's personal values were erased (parcours.rights.erasure); what stays is
    # coded: dates, statuses, answers.
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True, editable=False)
    # Set on the pseudonymised families of a network project (see parcours.network).
    pooled_from = models.ForeignKey(
        "network.PooledSource",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="families",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["-referred_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "case_number"],
                condition=~Q(case_number=""),
                name="case_number_unique_per_project",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="family_project_status"),
            # Almost every file has no earlier referral: indexed whole, SQLite's statistics
            # count 100 000 files per value and it scans the table to find a file's later
            # referrals (26 ms at 100 000 families); only the links, it reads a few rows.
            models.Index(
                fields=["previous_referral"],
                condition=Q(previous_referral__isnull=False),
                name="family_previous_referral",
            ),
            # The case list (pooled families are never listed). SQLite reads its pages in order
            # and counts them from this one (count 118 to 3 ms at 100 000 families)...
            models.Index(
                fields=["project", "pooled_from", "-referred_on", "-created_at"],
                name="family_list",
            ),
            # ...PostgreSQL does not take "IS NULL" as fixing a column for the order, so it
            # reads its pages from this one (page 1: 25 to 0.15 ms at 30 000 families), and
            # finds a deep page's families in it alone, with their ids (page 1 000 of 100 000
            # families: 55 to 7 ms; parcours.cases.listing.KeysFirstPaginator).
            models.Index(
                fields=["project", "-referred_on", "-created_at"],
                condition=Q(pooled_from=None),
                include=["id"],
                name="family_list_unpooled",
            ),
            # The API's families, newest first, a cursor on the creation time: read in order
            # from here rather than sorted whole (SQLite at 100 000 families: 222 ms a page).
            models.Index(
                fields=["project", "-created_at"],
                condition=Q(pooled_from=None),
                name="family_api_list",
            ),
        ]

    def __str__(self):
        if self.case_number:
            return self.case_number
        day = self.referred_on
        shown = date_format(day, "SHORT_DATE_FORMAT") if hasattr(day, "year") else day
        return _("referral of %(date)s") % {"date": shown}

    def get_absolute_url(self):
        return reverse("family", args=[self.pk])

    @property
    def label(self) -> str:
        """How the file is named on screen: case number, or the referral date before admission."""
        return str(self)

    @property
    def household(self) -> list["Person"]:
        """Members in reading order: parents, other members, then children, eldest first."""
        return sorted(
            self.members.all(),
            key=lambda p: (_ROLE_RANK.get(p.role, 3), str(p.birth_date or "9999")),
        )

    @property
    def household_name(self) -> str:
        """The members' family names, parents first ("Haddad / Rahimi"): what a case manager
        calls the family before it has a case number. Ordered by role only: the children's
        order does not change the names, and their birth dates stay sealed (a list page of
        referrals opened 200 of them for this)."""
        return household_name(self.members.all())

    def members_by_role(self, role: PersonRole) -> list["Person"]:
        return [p for p in self.members.all() if p.role == role]

    @property
    def adults(self) -> list["Person"]:
        return [p for p in self.members.all() if p.is_adult]

    @property
    def children(self) -> list["Person"]:
        return self.members_by_role(PersonRole.CHILD)

    @property
    def adult_children(self) -> list["Person"]:
        """Children of the family who are 18 or older (the seed counts them apart)."""
        return [p for p in self.children if p.is_adult]

    @property
    def arrived_on(self) -> datetime.date | None:
        """The earliest arrival of a member not born in the country."""
        dates = [p.arrival_date for p in self.members.all() if p.arrival_date]
        return min(dates) if dates else None

    @property
    def years_in_country(self) -> int | None:
        arrived = self.arrived_on
        if arrived is None:
            return None
        return completed_years(arrived, today())

    @property
    def pseudonym(self) -> str:
        """What evaluators and pseudonymised exports call the family: a keyed hash of its id
        (no one without the key can link it back); pooled families keep their export's."""
        if self.pooled_from_id:
            return self.case_number
        return "P-" + blind_index(str(self.pk), "pseudonym")[:12].upper()

    @property
    def months_supported(self) -> int | None:
        if self.admitted_on is None:
            return None
        return completed_months(self.admitted_on, self.closed_on or today())


class Person(Versioned):
    """A member of the family."""

    # What a case manager records about a member (the form's fields; copied on a new referral).
    RECORDED_FIELDS = [
        "role",
        "given_name",
        "family_name",
        "birth_date",
        "sex",
        "nationality",
        "country_of_birth",
        "minority",
        "arrival_date",
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField(_("role in the family"), max_length=10, choices=PersonRole.choices)
    given_name = EncryptedCharField(_("given name"), max_length=100)
    family_name = EncryptedCharField(_("family name"), max_length=100)
    birth_date = EncryptedPartialDateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(
        _("nationality"), max_length=10, choices=nationality_choices, blank=True
    )
    country_of_birth = CountryField(_("country of birth"), blank=True)
    minority = EncryptedCharField(
        _("minority"), max_length=100, blank=True, help_text=_("For example: Roma.")
    )
    arrival_date = models.DateField(
        _("arrival in the country"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a person born in the country."),
    )
    # Members of pooled families carry bands instead of dates (parcours.bands).
    age_band = models.CharField(max_length=8, blank=True)
    years_band = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["family", "created_at"]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("cases:person", args=[self.family_id, self.pk])

    def get_nationality_display(self) -> str:
        return nationality_label(self.nationality) if self.nationality else ""

    @property
    def full_name(self) -> str:
        return full_name(self.given_name, self.family_name)

    @property
    def age(self) -> int | None:
        return self.birth_date.age_on(today()) if self.birth_date else None

    @property
    def is_adult(self) -> bool:
        age = self.age
        if age is None and self.age_band:
            age = bands.lowest(self.age_band, bands.AGE_BANDS)
        if age is None:
            return self.role != PersonRole.CHILD
        return age >= ADULT_AGE

    @property
    def born_in_the_country(self) -> bool:
        """No arrival date means born here, unless the country of birth says otherwise."""
        return not self.country_of_birth or self.country_of_birth == self.family.project.country

    @property
    def years_in_country(self) -> int | None:
        """Since arrival; since birth for a member born here; unknown for one born elsewhere
        whose arrival is not recorded."""
        start = self.arrival_date
        if start is None and self.born_in_the_country and self.birth_date:
            start = self.birth_date.exact
        return completed_years(start, today()) if start else None


class ReckonedAge(models.Model):
    """A member's age band on one day, worked out from the sealed birth date (the daily run
    of ``parcours.cases.ages``, and each save of the member), so that the cohort report counts
    bands with a GROUP BY instead of decrypting every birth date. Like sex and nationality it
    is kept in plain: a band of years, never a date. A row counts on its own day only; a member
    without one for today is worked out from the birth date."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="reckoned_age"
    )
    band = models.CharField(max_length=8, blank=True)  # "" when the age is not known
    on = models.DateField()

    def __str__(self):
        return f"{self.band or '?'} on {self.on}"


class NameToken(models.Model):
    """A blind-index entry: one keyed hash of a word of a member's name, of its first letters
    or of its sound (``parcours.cases.names``), for search and for recognising a family
    referred again under another spelling."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    # Found by ``name_token_once``, whose first column it is.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False
    )
    kind = models.CharField(max_length=1, default="w")  # parcours.cases.names.Key
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "digest"], name="name_token_once")]
        # Digests are only ever compared whole: no second index for LIKE (db_index makes one
        # on PostgreSQL), which with a redundant one on ``person`` cost an import of 100 000
        # families two of every six index entries of its ten rows per member. The search and
        # the look-up of earlier files read the person and the file of each digest from the
        # index alone (PostgreSQL): a common name's tokens lie on as many table pages as
        # rows (60 ms a household at 100 000 families, 5 from the index).
        indexes = [
            models.Index(fields=["digest"], include=["person", "family"], name="name_token_lookup")
        ]

    def __str__(self):
        return self.digest


class PossibleDuplicate(models.Model):
    """An earlier file of the project whose members match a new referral's on name sounds,
    birth year and nationality (``parcours.cases.duplicates``), until someone who may see both
    settles it: linked as the earlier referral, or not the same family."""

    class Decision(models.TextChoices):
        OPEN = "", _("to check")
        LINKED = "linked", _("linked as earlier referral")
        DIFFERENT = "different", _("not the same family")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="possible_duplicates")
    earlier = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    matched = models.PositiveSmallIntegerField()  # members of the referral found in ``earlier``
    members = models.PositiveSmallIntegerField()  # members of the referral
    found_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "earlier"], name="possible_duplicate_once")
        ]
        indexes = [
            models.Index(
                fields=["found_at"], condition=Q(decision=""), name="possible_duplicate_open"
            )
        ]

    def __str__(self):
        return f"{self.family} ~ {self.earlier}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class ScreeningAssessment(models.Model):
    """One criterion judged for one referral: met, not met or unclear, with a note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(
        "projects.EligibilityCriterion", verbose_name=_("criterion"), on_delete=models.PROTECT
    )
    result = models.CharField(_("assessment"), max_length=10, choices=Assessment.choices)
    note = EncryptedTextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("screening assessment")
        verbose_name_plural = _("screening assessments")
        constraints = [
            models.UniqueConstraint(fields=["family", "criterion"], name="one_assessment")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.result}"


class StatusChange(models.Model):
    """One step of the lifecycle: who moved the file, when, why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=FamilyStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=FamilyStatus.choices)
    transition = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"


class CoverQuerySet(models.QuerySet):
    def current(self):
        on = today()
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class Cover(models.Model):
    """A colleague who covers a family's file for a while (leave, illness): the gate lets them
    see it from ``starts_on`` to ``ends_on`` inclusive, and not a day longer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="covers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("covered by"),
        on_delete=models.PROTECT,
        related_name="covers",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = EncryptedCharField(_("why"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("cover")
        verbose_name_plural = _("covers")
        ordering = ["-ends_on"]
        indexes = [models.Index(fields=["user", "ends_on"], name="cover_user_ends")]

    def __str__(self):
        return f"{self.user} {self.starts_on}to{self.ends_on}"


class AssignmentChange(models.Model):
    """The history of who manages a family's file: every assignment, removal and cover."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        REMOVED = "removed", _("no longer assigned")
        COVER = "cover", _("covers the file for a while")
        COVER_ENDED = "cover_ended", _("cover ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = EncryptedCharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.kind}"


class CaseNumberCounter(models.Model):
    """The last case number handed out per project and year (locked when incremented)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="one_counter_per_year")
        ]

    def __str__(self):
        return f"{self.project_id}/{self.year}: {self.last}"


class FlagQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Flags not removed and not past their end date on ``on`` (today)."""
        on = on or today()
        return self.filter(removed_at=None).filter(Q(ends_on=None) | Q(ends_on__gte=on))


class Flag(models.Model):
    """A file flagged for attention (a safeguarding concern, a medical urgency…): shown on the
    file, the case list and the dashboard until it is removed, with a reason, or its end date
    passes. The history stays."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="flags")
    reason = models.ForeignKey(
        "projects.FlagReason",
        verbose_name=_("reason"),
        on_delete=models.PROTECT,
        related_name="flags",
    )
    note = EncryptedTextField(_("note (optional)"), blank=True)
    ends_on = models.DateField(
        _("until (optional)"),
        null=True,
        blank=True,
        help_text=_("The last day the flag shows; empty: until someone removes it."),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_reason = EncryptedCharField(_("why it is removed"), max_length=200, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_at"]
        indexes = [
            # The list's "flagged" filter reads the open flags alone: a few among many files.
            models.Index(
                fields=["reason", "family"], condition=Q(removed_at=None), name="flag_open"
            )
        ]

    def __str__(self):
        return f"{self.family_id} {self.reason_id}"


class Approval(models.Model):
    """A coordinator's second pair of eyes on a closure or on the case plan: asked for with a
    note, approved or returned with a comment. One request open per file and kind; a closure
    takes effect only when approved."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("closing the file")
        PLAN = "plan", _("the case plan")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    # What the closure will record once approved: a date and codes, never free text.
    details = models.JSONField(default=dict, blank=True)
    note = EncryptedTextField(_("note (optional)"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "kind"], condition=Q(decision=""), name="one_open_approval"
            )
        ]
        indexes = [
            models.Index(fields=["requested_at"], condition=Q(decision=""), name="approval_open")
        ]

    def __str__(self):
        return f"{self.kind} {self.family_id} {self.decision or 'open'}"

    @property
    def resolution_label(self) -> str:
        code = self.details.get("resolution", "")
        return Resolution(code).label if code in Resolution.values else code

    @property
    def closure(self) -> dict:
        """The closure's values as ``take_step`` takes them."""
        d = self.details
        return {
            "closed_on": datetime.date.fromisoformat(d["closed_on"]),
            "resolution": d["resolution"],
            "engagement_at_closure": d["engagement_at_closure"],
        }


class FamilyFigures(models.Model):
    """What the dashboard and the case list's filters count of one file, kept ready: written in
    the same transaction as the change that moves it (``parcours.cases.figures.refresh``),
    the few that depend on the day brought to it by the worker's daily run, and checked
    against the source rows by ``parcours check-figures``.

    Dates are kept rather than verdicts where a project setting decides (a review is overdue
    ``review_interval_weeks`` after ``review_from``; a file is quiet ``contact_alert_days``
    after ``quiet_since``), so a changed setting needs no recount."""

    family = models.OneToOneField(
        Family, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    # The network source a pooled file came from (the report's column per member project).
    pooled_from = models.ForeignKey(
        "network.PooledSource", on_delete=models.CASCADE, null=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=FamilyStatus.choices)
    referred_on = models.DateField(null=True)  # the file's dates, for the trends per month
    admitted_on = models.DateField(null=True)
    closed_on = models.DateField(null=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    # casework
    open_actions = models.PositiveIntegerField(default=0)
    first_action_due_on = models.DateField(null=True)  # the earliest due date of an open action
    last_contact_on = models.DateField(null=True)
    quiet_since = models.DateField(null=True)  # active files: the last contact, or admission
    review_from = models.DateField(null=True)  # active files: the last review (or admission)
    # plus the days spent paused since
    # legal
    next_deadline_on = models.DateField(null=True)  # of an open procedure, on or after as_of
    # instruments
    sheet_due_on = models.DateField(null=True)  # the earliest sheet the file owes
    # cases
    flags = models.PositiveSmallIntegerField(default=0)  # showing on as_of
    flags_change_on = models.DateField(null=True)  # the day after the first flag's last day
    approvals_waiting = models.PositiveSmallIntegerField(default=0)
    # the members, as the cohort report counts them: per age band on ``ages_on``, adults,
    # children and children in an adult band; the earliest arrival, and for pooled members
    # (bands, no dates) the highest floor of their bands of years in the country
    age_0_5 = models.PositiveSmallIntegerField(default=0)
    age_6_11 = models.PositiveSmallIntegerField(default=0)
    age_12_17 = models.PositiveSmallIntegerField(default=0)
    age_18_24 = models.PositiveSmallIntegerField(default=0)
    age_25_39 = models.PositiveSmallIntegerField(default=0)
    age_40_59 = models.PositiveSmallIntegerField(default=0)
    age_60 = models.PositiveSmallIntegerField(default=0)
    adults = models.PositiveSmallIntegerField(default=0)
    children = models.PositiveSmallIntegerField(default=0)
    children_adult = models.PositiveSmallIntegerField(default=0)
    arrived_on = models.DateField(null=True)
    years_floor = models.PositiveSmallIntegerField(null=True)
    ages_on = models.DateField(null=True)  # the day the age columns hold (the daily run's)
    # consent to evaluation in force on as_of (pooled files came with it), and the next day
    # that may change it (a consent given or withdrawn from a later date)
    evaluation_consent = models.BooleanField(default=False)
    consent_change_on = models.DateField(null=True)
    # contacts logged, per kind (casework.ContactKind)
    contacts_home_visit = models.PositiveIntegerField(default=0)
    contacts_phone_call = models.PositiveIntegerField(default=0)
    contacts_message = models.PositiveIntegerField(default=0)
    contacts_office_meeting = models.PositiveIntegerField(default=0)
    contacts_accompaniment = models.PositiveIntegerField(default=0)
    as_of = models.DateField()  # the day the date-dependent figures were worked out for

    objects = GatedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["project", "status"], name="figures_project_status"),
            models.Index(fields=["next_deadline_on"], name="figures_deadline"),
            models.Index(fields=["flags_change_on"], name="figures_flags_change"),
        ]

    def __str__(self):
        return f"figures {self.family_id}"


class FiguresTally(models.Model):
    """How many files of a project count under each value the dashboard adds up over the
    whole project (its open files; each date that decides what needs attention; each day's
    referrals, admissions and closures), kept as signed changes: every write of the figures
    adds a row per value it moved (-1 where files left it, +1 where they came), in the
    change's own transaction and without updating a row another transaction may write; the
    worker folds them together (``parcours.cases.tallies.fold``). The dashboard then sums a
    few thousand rows instead of passing over every file (70 ms at 100 000 files). Pooled
    files are never tallied: no dashboard shows them."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=20)
    day = models.DateField(null=True)
    detail = models.CharField(max_length=20, null=True)  # a closed file's resolution
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["project", "measure", "day"], name="tally_measure_day")]

    def __str__(self):
        return f"{self.measure} {self.day or ''} {self.detail or ''}: {self.n}"


class AgesDay(models.Model):
    """The last day the worker's daily run brought the files' age columns to: every row of
    ``FamilyFigures`` holds for it, whatever day the row was counted on (the run counts again
    the files whose members changed band). One row, where marking each file's row cost a
    rewrite of every row of the figures each night (100 000 rows, and scans twice as long
    until the table was vacuumed)."""

    day = models.DateField()

    def __str__(self):
        return f"ages of {self.day}"

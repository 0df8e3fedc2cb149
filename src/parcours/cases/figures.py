"""The figures kept ready for counting (``FamilyFigures``): worked out from the source rows by
each app's contributor, written by the services in the change's own transaction.

A contributor takes families (``FamilyRow``s) and the day, and returns ``{family id:
{column: value}}`` for its columns. The cases app contributes its own; higher apps
(casework, legal) add theirs when they are loaded, so this module never imports them.
``refresh`` writes what the contributors say; ``differences`` says where the stored rows
and the source disagree (``parcours check-figures``).
"""

import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Case, Count, F, Min, Q, When

from parcours import bands
from parcours.cases import tallies
from parcours.cases.ages import unsealed_births
from parcours.cases.choices import FamilyStatus, PersonRole
from parcours.cases.models import (
    AgesDay,
    Approval,
    Family,
    FamilyFigures,
    Flag,
    Person,
    today,
)
from parcours.cases.tallies import DEADLINE_DAYS, RULES, Attention, days_within  # noqa: F401
from parcours.database import among, update_objects

Contributor = Callable[[list, datetime.date], dict]
CONTRIBUTORS: list[Contributor] = []

BATCH = 2000
OPEN_ENDED = datetime.date.max


def contributes(contributor: Contributor) -> Contributor:
    """Register an app's contributor (from its AppConfig.ready); once only."""
    if contributor not in CONTRIBUTORS:
        CONTRIBUTORS.append(contributor)
    return contributor


@dataclasses.dataclass(frozen=True)
class Kept:
    """A table of figures an app keeps beside FamilyFigures (rows per family and something
    else, such as a Baseline item): ``write(ids)`` counts those families again from the
    source, ``check(ids, case numbers)`` names what differs."""

    part: str  # the app, as services name it to ``refresh``
    write: Callable[[list], None]
    check: Callable[[list, dict], list[str]]


KEPT: list[Kept] = []


def keeps(kept: Kept) -> None:
    """Register a table an app keeps (from its AppConfig.ready); once only."""
    if kept not in KEPT:
        KEPT.append(kept)


@contributes
def _cases(families: list, on: datetime.date) -> dict:
    ids = [f.pk for f in families]
    members = members_on(ids, on)
    showing = (
        Flag.objects.current(on)
        .filter(family_id__in=ids)
        .values("family_id")
        .annotate(n=Count("id"), first_end=Min("ends_on"))
    )
    flags = {row["family_id"]: row for row in showing}
    waiting = dict(
        Approval.objects.filter(family_id__in=ids, decision="")
        .values("family_id")
        .annotate(n=Count("id"))
        .values_list("family_id", "n")
    )
    values = {}
    for family in families:
        shown = flags.get(family.pk)
        ends = shown and shown["first_end"]
        values[family.pk] = {
            "project_id": family.project_id,
            "pooled_from_id": family.pooled_from_id,
            "status": family.status,
            "referred_on": family.referred_on,
            "admitted_on": family.admitted_on,
            "closed_on": family.closed_on,
            "resolution": family.resolution,
            "flags": shown["n"] if shown else 0,
            "flags_change_on": ends + datetime.timedelta(days=1) if ends else None,
            "approvals_waiting": waiting.get(family.pk, 0),
            **(members.get(family.pk) or _no_members(on)),
        }
    return values


# The column of each age band: "0-5" is age_0_5, "60+" age_60.
AGE_COLUMNS = {
    label: "age_" + label.replace("-", "_").rstrip("+") for label, _low in bands.AGE_BANDS
}
MEMBER_COLUMNS = [
    *AGE_COLUMNS.values(),
    "adults",
    "children",
    "children_adult",
    "arrived_on",
    "years_floor",
    "ages_on",
]
AGE_DEPENDENT = {*AGE_COLUMNS.values(), "adults", "children_adult"}
YEARS_FLOORS = dict(bands.YEARS_BANDS)


def _no_members(on: datetime.date) -> dict:
    return {
        **dict.fromkeys(AGE_COLUMNS.values(), 0),
        "adults": 0,
        "children": 0,
        "children_adult": 0,
        "arrived_on": None,
        "years_floor": None,
        "ages_on": on,
    }


def members_on(family_ids: list, on: datetime.date) -> dict:
    """The member columns of these families on ``on``, as the cohort report counts them: each
    member's band of that day where the daily run or a save worked it out, else from the sealed
    birth date (or a pooled member's band); adults by band, or by role when the age is not
    known; the earliest arrival, and the highest floor of the pooled bands of years."""
    people = Person.objects.filter(family_id__in=family_ids).order_by()
    reckoned = Case(When(reckoned_age__on=on, then=F("reckoned_age__band")), default=None)
    rows = list(
        people.annotate(band=reckoned).values_list(
            "pk", "family_id", "role", "arrival_date", "years_band", "band"
        )
    )
    unknown = [row[0] for row in rows if row[5] is None]
    worked_out = {}
    if unknown:
        for key, birth, _role, pooled in unsealed_births(Person.objects.filter(pk__in=unknown)):
            worked_out[uuid.UUID(str(key))] = bands.band_on(birth, pooled, on)
    result: dict = {}
    for pk, family, role, arrival, years_band, band in rows:
        columns = result.setdefault(family, _no_members(on))
        band = worked_out.get(pk, "") if band is None else band
        if band:
            columns[AGE_COLUMNS[band]] += 1
        adult = bands.adult_by_band(band, role == PersonRole.CHILD)
        columns["adults"] += adult
        if role == PersonRole.CHILD:
            columns["children"] += 1
            columns["children_adult"] += adult
        if arrival is not None:
            first = columns["arrived_on"]
            columns["arrived_on"] = arrival if first is None else min(first, arrival)
        elif years_band in YEARS_FLOORS:
            floor = columns["years_floor"]
            low = YEARS_FLOORS[years_band]
            columns["years_floor"] = low if floor is None else max(floor, low)
    return result


COLUMNS = [
    "project_id",
    "pooled_from_id",
    "status",
    "referred_on",
    "admitted_on",
    "closed_on",
    "resolution",
    "open_actions",
    "first_action_due_on",
    "last_contact_on",
    "quiet_since",
    "review_from",
    "next_deadline_on",
    "sheet_due_on",
    "flags",
    "flags_change_on",
    "approvals_waiting",
    *MEMBER_COLUMNS,
    "evaluation_consent",
    "consent_change_on",
    "contacts_home_visit",
    "contacts_phone_call",
    "contacts_message",
    "contacts_office_meeting",
    "contacts_accompaniment",
    "as_of",
]


def computed(family_ids: Iterable, on: datetime.date | None = None) -> dict:
    """``{family id: FamilyFigures}`` as the source rows say today (or ``on``)."""
    on = on or today()
    families = _families(family_ids)
    values = {f.pk: {"as_of": on} for f in families}
    for contributor in CONTRIBUTORS:
        for pk, columns in contributor(families, on).items():
            values[pk].update(columns)
    return {pk: FamilyFigures(family_id=pk, **columns) for pk, columns in values.items()}


@dataclasses.dataclass(slots=True, frozen=True)
class FamilyRow:
    """What a contributor reads of a file: a plain row: as model instances, the files
    read were a third of refreshing the figures after an import of 10 000 sheets."""

    pk: uuid.UUID
    project_id: int
    pooled_from_id: int | None
    status: str
    referred_on: datetime.date
    admitted_on: datetime.date | None
    closed_on: datetime.date | None
    resolution: str


_READ = ("id", *(field.name for field in dataclasses.fields(FamilyRow)[1:]))


def _families(ids) -> list[FamilyRow]:
    """Every file, pooled ones too (the cohort report counts their members; the case list and
    the dashboard never see them, the gate leaves them out)."""
    rows = Family.objects.filter(pk__in=among(Family._meta.pk, ids)).order_by().values_list(*_READ)
    return [FamilyRow(*row) for row in rows]


def refresh(
    family_ids: Iterable,
    on: datetime.date | None = None,
    *,
    part: str = "",
    kept_tables: bool = True,
) -> int:
    """Write the figures of these families as the source says now: called by every service
    that changes what they count, inside its transaction. A service that changes only its own
    app's rows names that ``part`` (its app, "casework", say): only that contributor counts
    again (a file without figures yet is counted whole). ``kept_tables=False``: the service has
    brought its app's own kept tables up to date itself (an import).

    The rows are locked (in the order of their keys) before the source is read, so that a
    second change to the same file waits for the first to commit, then counts what it wrote
    and takes it out of the tallies, not what it replaced."""
    with transaction.atomic():
        return _refresh(list(dict.fromkeys(family_ids)), on, part, kept_tables)


def _refresh(ids: list, on, part: str, kept_tables: bool) -> int:
    # The apps' kept tables are written once the figures' rows are locked: they record what
    # they moved in tallies too.
    writes = [t.write for t in KEPT if not part or (t.part == part and kept_tables)]
    if part:
        on = on or today()
        (contributor,) = [c for c in CONTRIBUTORS if c.__module__.split(".")[1] == part]
        missing = []
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            # What the tallies count, read as the rows are locked, and the contributor's other
            # columns once it has said which: every column of every row was half of this
            # step's time after an import of 100 000 sheets.
            locked = _locked(chunk).values("family_id", *tallies.TALLIED)
            kept = {row.pop("family_id"): row for row in locked}
            for write in writes:
                write(chunk)
            counted = contributor(_families(chunk), on)
            fields = sorted({name for columns in counted.values() for name in columns})
            untallied = [name for name in fields if name not in tallies.TALLIED]
            if untallied and kept:
                rows = FamilyFigures.objects.filter(family_id__in=among(_FAMILY, kept))
                for row in rows.values("family_id", *untallied):
                    kept[row.pop("family_id")].update(row)
            changed, before, after = [], [], []
            for pk, columns in counted.items():
                if pk not in kept:
                    missing.append(pk)
                    continue
                old = kept[pk]
                if any(old[name] != value for name, value in columns.items()):
                    changed.append(FamilyFigures(family_id=pk, **columns))
                    before.append(old)
                    after.append({**old, **columns})
            update_objects(FamilyFigures, changed, fields)  # an unchanged row is not written
            tallies.record(before, after)
        return len(ids) - len(missing) + (_refresh(missing, on, "", True) if missing else 0)
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        before = list(_locked(chunk).values(*tallies.TALLIED))
        for write in writes:
            write(chunk)
        rows = list(computed(chunk, on).values())
        FamilyFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["family"],
            update_fields=[c.removesuffix("_id") for c in COLUMNS],
        )
        tallies.record(before, [{c: getattr(r, c) for c in tallies.TALLIED} for r in rows])
        written += len(rows)
    return written


_FAMILY = FamilyFigures._meta.get_field("family")


def _locked(family_ids):
    keys = among(_FAMILY, family_ids)
    return FamilyFigures.objects.filter(family_id__in=keys).order_by("pk").select_for_update()


def refresh_all(on: datetime.date | None = None, progress=None) -> int:
    """Every file's figures (after ``parcours generate``, or to repair after a check)."""
    ids = list(Family.objects.order_by().values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), BATCH):
        done += refresh(ids[start : start + BATCH], on)
        if progress:
            progress(done, len(ids))
    tallies.rebuild()  # counted again whole: a repair must not rest on what it repairs
    return done


def bring_to_the_day(on: datetime.date | None = None) -> int:
    """The daily run: the files whose date-dependent figures may have moved since the day they
    were worked out for (a legal deadline, which counts while its notification is recent; a
    flag whose last day went by; the closing sheet, owed for a while after closure; a consent
    given or withdrawn from that day)."""
    on = on or today()
    stale = FamilyFigures.objects.filter(
        Q(next_deadline_on__isnull=False, as_of__lt=on)
        | Q(flags_change_on__lte=on)
        | Q(status=FamilyStatus.CLOSED, sheet_due_on__isnull=False, as_of__lt=on)
        | Q(consent_change_on__lte=on)
    ).values_list("family_id", flat=True)
    return refresh(list(stale), on)


def ages_to_the_day(moved: Iterable, on: datetime.date | None = None) -> int:
    """After the daily run of the members' age bands: the files whose members changed band are
    counted again; every other file's age columns hold for the day as they are, which one row
    says (``AgesDay``)."""
    on = on or today()
    refresh(list(moved), on, part="cases")
    AgesDay.objects.update_or_create(pk=1, defaults={"day": on})
    return len(moved)


def ages_hold_on(on: datetime.date) -> Q:
    """The figures whose age columns hold on ``on``: all of them once the daily run brought
    them to that day, else those counted on it."""
    if AgesDay.objects.filter(day=on).exists():
        return Q()
    return Q(ages_on=on)


def differences(on: datetime.date | None = None, batch: int = BATCH) -> list[str]:
    """Where the stored figures and the source rows disagree, one line each, naming the file
    by its case number (or its id) and the column."""
    on = on or today()
    found = []
    brought = AgesDay.objects.filter(day=on).exists()  # every row's ages hold for the day
    ids = list(Family.objects.order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        stored = {f.family_id: f for f in FamilyFigures.objects.filter(family_id__in=chunk)}
        names = dict(Family.objects.filter(pk__in=chunk).values_list("pk", "case_number"))
        for pk, expected in computed(chunk, on).items():
            name = names.get(pk) or str(pk)
            row = stored.get(pk)
            if row is None:
                found.append(f"{name}: no figures kept")
                continue
            for column in COLUMNS:
                if column in ("as_of", "ages_on"):
                    continue
                if column in AGE_DEPENDENT and row.ages_on != on and not brought:
                    continue  # of another day: the report works them out for its own
                kept, source = getattr(row, column), getattr(expected, column)
                if kept != source:
                    found.append(f"{name}: {column} is {kept}, the source says {source}")
        for kept in KEPT:
            found += kept.check(chunk, names)
    orphans = FamilyFigures.objects.exclude(family__in=Family.objects.all())
    found += [f"{f.family_id}: figures kept for no file" for f in orphans]
    return found + tallies.check()


def needing(
    attention: str,
    projects,
    on: datetime.date | None = None,
    within=DEADLINE_DAYS,
    figures="figures__",
) -> Q:
    """The condition for files of ``projects`` that need ``attention`` on ``on`` (its rule,
    ``tallies.RULES``), read from the figures: on ``Family`` (``figures`` is the path to
    them), or on ``FamilyFigures`` itself (``figures=""``). Each project's own review
    interval and quiet period apply."""
    on = on or today()
    rule = RULES[attention]

    def q(**conditions) -> Q:
        return Q(**{figures + name: value for name, value in conditions.items()})

    status = q(status__in=rule.statuses) if rule.statuses else Q()
    if rule.window is None:
        return status & q(**{f"{rule.column}__gt": 0})
    if not rule.per_project:
        return status & q(**days_within(rule.column, rule.window(None, on, within)))
    within_window = Q(pk__in=[])
    for project in projects:
        days = days_within(rule.column, rule.window(project, on, within))
        within_window |= q(project_id=project.pk, **days)
    return status & within_window

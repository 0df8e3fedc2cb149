"""What needs attention, as one set of rules, and the project-wide tallies counted by them.

A file needs a kind of attention when its status allows it and one of its figures falls in a
window of days that the day (and for some kinds the project's settings) decides, or when a
number of it is above zero (``RULES``). The case list filters by these rules
(``figures.needing``); the dashboard adds up, per project, how many files hold each value
(``FiguresTally``): ``record`` writes what a refresh of the figures moved, ``fold`` folds
the signed rows together, ``whole`` and ``of_days`` read them, ``check`` compares them with
the figures. Another app's table of signed counts (the report's answers,
``parcours.instruments.tallies``) registers with ``counts``, to be folded, checked and counted
again with these.
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q, Sum

from parcours.cases.choices import FamilyStatus
from parcours.cases.models import FamilyFigures, FiguresTally
from parcours.database import fold_signed

OPEN_STATUSES = (FamilyStatus.ACTIVE, FamilyStatus.PAUSED)
DEADLINE_DAYS = 14  # "legal deadlines in the next 14 days"
DAY = datetime.timedelta(days=1)


class Attention:
    """What a file may need, as the case list filters it and the dashboard counts it."""

    OVERDUE_ACTIONS = "overdue_actions"
    REVIEW_OVERDUE = "review_overdue"
    QUIET = "quiet"
    DEADLINE = "deadline"
    APPROVAL = "approval"
    FLAGGED = "flagged"
    SHEETS_DUE = "sheets_due"


Window = Callable[..., tuple[datetime.date | None, datetime.date | None]]


@dataclasses.dataclass(frozen=True)
class Rule:
    """A file needs this attention when its status is one of ``statuses`` (any, if empty) and
    its ``column`` holds a day within ``window(project, on, within)`` (first and last day,
    either open; ``per_project`` when the project's settings move it), or, without a
    window, a number above zero."""

    column: str
    statuses: tuple = ()
    window: Window | None = None
    per_project: bool = False


RULES = {
    Attention.OVERDUE_ACTIONS: Rule(
        "first_action_due_on", OPEN_STATUSES, lambda project, on, within: (None, on - DAY)
    ),
    Attention.REVIEW_OVERDUE: Rule(
        "review_from",
        (FamilyStatus.ACTIVE,),
        lambda project, on, within: (
            None,
            on - datetime.timedelta(weeks=project.review_interval_weeks) - DAY,
        ),
        per_project=True,
    ),
    Attention.QUIET: Rule(
        "quiet_since",
        (FamilyStatus.ACTIVE,),
        lambda project, on, within: (
            None,
            on - datetime.timedelta(days=project.contact_alert_days) - DAY,
        ),
        per_project=True,
    ),
    Attention.DEADLINE: Rule(
        "next_deadline_on",
        OPEN_STATUSES,
        lambda project, on, within: (on, on + datetime.timedelta(days=within)),
    ),
    Attention.SHEETS_DUE: Rule("sheet_due_on", (), lambda project, on, within: (None, on)),
    Attention.APPROVAL: Rule("approvals_waiting"),
    Attention.FLAGGED: Rule("flags"),
}
OPEN = "open"  # the measure of open files
# The days of the trends: (measure, column); a closure's detail is the file's resolution
# while it stays closed (None once it is reopened).
TREND_DAYS = [
    ("referrals", "referred_on"),
    ("admissions", "admitted_on"),
    ("closures", "closed_on"),
]

# The figures the tallies depend on.
TALLIED = (
    "project_id",
    "pooled_from_id",
    "status",
    "resolution",
    *(column for _measure, column in TREND_DAYS),
    *(rule.column for rule in RULES.values()),
)


@dataclasses.dataclass(frozen=True)
class Counts:
    """A table of signed counts another app keeps beside these (registered from its
    AppConfig.ready): folded, checked and counted again whole with them."""

    fold: Callable[[], int]
    check: Callable[[], list[str]]
    rebuild: Callable[[], None]


OTHERS: list[Counts] = []


def counts(other: Counts) -> None:
    """Register another app's table of signed counts; once only."""
    if other not in OTHERS:
        OTHERS.append(other)


def days_within(column: str, window: tuple) -> dict:
    """The lookups of a window of days (first and last, either open) on ``column``."""
    first, last = window
    lookups = {}
    if first is not None:
        lookups[f"{column}__gte"] = first
    if last is not None:
        lookups[f"{column}__lte"] = last
    return lookups


def keys(row: dict) -> list[tuple]:
    """The (project, measure, day, detail) a file's figures count under (``row`` holds at
    least ``TALLIED``); none for a pooled file."""
    if row["pooled_from_id"] is not None:
        return []
    project, status = row["project_id"], row["status"]
    found = [(project, OPEN, None, None)] if status in OPEN_STATUSES else []
    for measure, column in TREND_DAYS:
        if row[column] is not None:
            detail = None
            if measure == "closures" and status == FamilyStatus.CLOSED:
                detail = row["resolution"]
            found.append((project, measure, row[column], detail))
    for attention, rule in RULES.items():
        if rule.statuses and status not in rule.statuses:
            continue
        value = row[rule.column]
        if rule.window is None:
            if value:
                found.append((project, attention, None, None))
        elif value is not None:
            found.append((project, attention, value, None))
    return found


def record(before: Iterable[dict], after: Iterable[dict]) -> int:
    """Add what moved between the figures ``before`` and ``after`` a write (rows as dicts of
    at least ``TALLIED``), one signed row per value; returns the rows added."""
    moved: Counter = Counter()
    for row in before:
        moved.subtract(keys(row))
    for row in after:
        moved.update(keys(row))
    rows = [
        FiguresTally(project_id=project, measure=measure, day=day, detail=detail, n=n)
        for (project, measure, day, detail), n in moved.items()
        if n
    ]
    FiguresTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def expected(project_ids=None) -> Counter:
    """The tallies as the figures say, counted again (``check``, and to build them at first)."""
    counted: Counter = Counter()
    figures = FamilyFigures.objects.filter(pooled_from=None).order_by()
    if project_ids is not None:
        figures = figures.filter(project_id__in=project_ids)
    for row in figures.values(*TALLIED).iterator(chunk_size=5000):
        counted.update(keys(row))
    return counted


def stored(project_ids=None) -> Counter:
    rows = FiguresTally.objects.order_by()
    if project_ids is not None:
        rows = rows.filter(project_id__in=project_ids)
    summed = rows.values_list("project_id", "measure", "day", "detail").annotate(n=Sum("n"))
    return Counter({tuple(key): n for *key, n in summed if n})


def check() -> list[str]:
    """Where the tallies and the figures disagree, one line each."""
    kept, counted = stored(), expected()
    found = [
        f"tally {measure} {day or ''} {detail or ''} of project {project}: "
        f"{kept[key]}, the figures say {counted[key]}"
        for key in sorted(set(kept) | set(counted), key=str)
        if kept[key] != counted[key]
        for project, measure, day, detail in [key]
    ]
    return found + [line for other in OTHERS for line in other.check()]


def rebuild() -> None:
    """Every tally counted again from the figures (``parcours check-figures --fix``)."""
    with transaction.atomic():
        FiguresTally.objects.all().delete()
        _write(expected())
        for other in OTHERS:
            other.rebuild()


def _write(counted: Counter) -> None:
    FiguresTally.objects.bulk_create(
        [
            FiguresTally(project_id=project, measure=measure, day=day, detail=detail, n=n)
            for (project, measure, day, detail), n in counted.items()
            if n
        ],
        batch_size=2000,
    )


def fold() -> int:
    """Fold each value's signed rows into one, the dashboard's and every table registered
    with ``counts`` (the worker's daily run, and after a bulk load); returns the rows left."""
    left = fold_signed(FiguresTally, ["project_id", "measure", "day", "detail"])
    return left + sum(other.fold() for other in OTHERS)


def whole(projects, on: datetime.date, within: int = DEADLINE_DAYS) -> dict:
    """Per measure (``OPEN`` and each attention), how many files of ``projects`` count on
    ``on``: one pass over their tallies."""
    sums = {OPEN: Sum("n", filter=Q(measure=OPEN))}
    for attention, rule in RULES.items():
        if rule.window is None:
            sums[attention] = Sum("n", filter=Q(measure=attention))
            continue
        if rule.per_project:
            within_window = Q(pk__in=[])
            for project in projects:
                days = days_within("day", rule.window(project, on, within))
                within_window |= Q(project_id=project.pk, **days)
        else:
            within_window = Q(**days_within("day", rule.window(None, on, within)))
        sums[attention] = Sum("n", filter=Q(measure=attention) & within_window)
    counted = FiguresTally.objects.filter(project__in=projects).aggregate(**sums)
    return {measure: n or 0 for measure, n in counted.items()}


def of_days(projects, start: datetime.date, on: datetime.date):
    """The tallies of the trends' days from ``start`` to ``on``, to be grouped by the caller
    (the dashboard: by month, measure and detail, summing ``n``)."""
    return FiguresTally.objects.filter(
        project__in=projects,
        measure__in=[measure for measure, _column in TREND_DAYS],
        day__range=(start, on),
    ).order_by()

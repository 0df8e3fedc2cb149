"""What the dashboard counts, from the figures kept ready (parcours.cases.figures).

Per case manager: their open files and, of those, the ones that need something (the case
list's "needs attention" filters, so that every number opens exactly its files). Trends per
month over two years and the outcomes of closed files, from the same table.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Role, User
from parcours.cases import tallies
from parcours.cases.choices import FamilyStatus, Resolution
from parcours.cases.figures import Attention, needing
from parcours.cases.models import Family, FamilyFigures
from parcours.cases.services import eligible_case_managers
from parcours.cases.tallies import OPEN, OPEN_STATUSES, TREND_DAYS

MONTHS = 24

# (key, heading, the case list's filter): the columns of the board, in order.
COLUMNS = [
    (OPEN, _("Open files"), {"status": OPEN}),
    (Attention.OVERDUE_ACTIONS, _("Actions overdue"), {"attention": Attention.OVERDUE_ACTIONS}),
    (Attention.REVIEW_OVERDUE, _("Reviews overdue"), {"attention": Attention.REVIEW_OVERDUE}),
    (Attention.QUIET, _("Quiet too long"), {"attention": Attention.QUIET}),
    (Attention.DEADLINE, _("Legal deadlines, 14 days"), {"attention": Attention.DEADLINE}),
    (Attention.SHEETS_DUE, _("Sheets due"), {"attention": Attention.SHEETS_DUE}),
    (Attention.APPROVAL, _("Approvals waiting"), {"attention": Attention.APPROVAL}),
    (Attention.FLAGGED, _("Flagged"), {"attention": Attention.FLAGGED}),
]


@dataclass
class Cell:
    """A number of the board and the link to its files, printed as its table cell: four
    hundred cells a page cost 6 ms more through the template's lookups."""

    heading: str
    value: int
    url: str

    def __str__(self) -> str:  # the template asks for str() of what it prints
        zero = "" if self.value else mark_safe(' class="zero"')
        return format_html(
            '<td data-label="{}"><a{} href="{}">{}</a></td>',
            self.heading,
            zero,
            self.url,
            number_format(self.value, force_grouping=True),
        )

    __html__ = __str__


@dataclass
class Line:
    name: str
    cells: list[Cell]


@dataclass
class Board:
    columns: list[str]
    lines: list[Line]
    total: Line | None  # a coordinator's: every file of their projects, assigned or not
    page: Page  # of the case managers' lines


def _conditions(projects, on) -> dict:
    """What puts a file in each column: open, or needing each kind of attention (its rule),
    as conditions on ``FamilyFigures``."""
    conditions = {OPEN: Q(status__in=OPEN_STATUSES)}
    for key, _heading, _query in COLUMNS[1:]:
        conditions[key] = needing(key, projects, on, figures="")
    return conditions


def _aggregates(projects, on) -> dict:
    """Per group of files: how many hold each column's condition."""
    return {
        key: Count("pk", filter=condition) for key, condition in _conditions(projects, on).items()
    }


def _line(name: str, counts: dict, base: dict, list_url: str) -> Line:
    cells = []
    for key, heading, query in COLUMNS:
        url = list_url + "?" + urlencode({**base, **query})
        cells.append(Cell(str(heading), counts.get(key) or 0, url))
    return Line(name, cells)


LINES_PER_PAGE = 50


def _named(users) -> list[tuple[int, str]]:
    """(id, name as the user's full name, else their user name): a team of a thousand is
    sorted and paged without making a thousand users."""
    rows = users.order_by().values_list("pk", "first_name", "last_name", "username")
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]


def caseload(user, projects, on: datetime.date, page=None, whole: dict | None = None) -> Board:
    """The board: a line per case manager (a case manager sees their own), fifty a page in
    the order of their names, and for a coordinator the whole of their projects (assigned or
    not, ``whole``: counted by ``overview``) as the last line. Only the page's case managers
    are counted."""
    visible = Family.objects.visible_to(user)
    coordinated = user.project_ids(Role.COORDINATOR)
    if coordinated:
        team = _named(eligible_case_managers(*coordinated))
        # and whoever left the team and still holds files: first who holds any file, from the
        # links alone (almost always no one), then those of them holding a file one sees.
        # Asked in one query, PostgreSQL hashed every file of the project to answer (9 ms at
        # 10 000 files, against 2).
        holders = list(
            Family.case_managers.through.objects.exclude(user_id__in=[pk for pk, _n in team])
            .values_list("user_id", flat=True)
            .distinct()
        )
        holds = visible.filter(case_managers=OuterRef("pk"))
        holding = User.objects.filter(pk__in=holders).filter(Exists(holds)) if holders else None
        people = team + (_named(holding) if holding is not None else [])
    else:
        people = _named(User.objects.filter(pk=user.pk))
    people.sort(key=lambda person: person[1].lower())
    lines_page = Paginator(people, LINES_PER_PAGE).get_page(page)
    shown = dict(lines_page.object_list)
    per_person = _per_person(user, projects, on, list(shown))
    list_url = reverse("cases:list")
    lines = [
        _line(name, per_person.get(pk, {}), {"case_manager": pk}, list_url)
        for pk, name in shown.items()
    ]
    total = None
    if coordinated:
        total = _line(_("All files"), whole or {}, {}, list_url)
    return Board([heading for _key, heading, _q in COLUMNS], lines, total, lines_page)


def _per_person(user, projects, on: datetime.date, people: list[int]) -> dict:
    """Per case manager of the page, their open files and those needing each kind of
    attention: their files' figures through the gate, each file's verdicts worked out in the
    database, then added up per case manager from their links (a few thousand rows, read by
    the user index; ids as text, not a UUID object each). Joined and grouped in one query,
    PostgreSQL read every file of the project to hash them (40 ms at 100 000 files), and
    SQLite probed every file for each case manager."""
    links = Family.case_managers.through.objects.filter(user_id__in=people)
    managers_of: dict = {}
    for person, family in links.annotate(key=Cast("family_id", CharField())).values_list(
        "user_id", "key"
    ):
        managers_of.setdefault(family, []).append(person)
    # Booleans, not numbers: PostgreSQL's come as they are, where each number went through a
    # converter (17 500 calls for a page of case managers with 2 500 files).
    verdicts = {
        key: Case(When(condition, then=True), default=False, output_field=BooleanField())
        for key, condition in _conditions(projects, on).items()
    }
    rows = (
        FamilyFigures.objects.visible_to(user)
        .filter(pk__in=links.values("family_id"))
        .order_by()
        .annotate(key=Cast("pk", CharField()), **verdicts)
        .values_list("key", *verdicts)
    )
    # A file's verdicts as one pattern, counted per case manager; the few distinct patterns
    # are spread over the columns once at the end, not each file's.
    patterns: dict = {person: Counter() for person in people}
    for row in rows:
        pattern = row[1:]
        for person in managers_of[row[0]]:
            patterns[person][pattern] += 1
    counts: dict = {}
    for person, seen in patterns.items():
        columns = counts[person] = Counter()
        for pattern, n in seen.items():
            for key, one in zip(verdicts, pattern, strict=True):
                if one:
                    columns[key] += n
    return counts


def _months(on: datetime.date) -> list[datetime.date]:
    first = on.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.month - 1 - back, 12)
        months.append(datetime.date(first.year + year, month + 1, 1))
    return months


def _month(column: str):
    """A date's month as the first seven characters of its ISO text ("YYYY-MM"), the same in
    both databases. SQLite's TruncMonth is a Python function called per row (a second at
    100 000 files); PostgreSQL's returns timestamps, which cost more to read (a thousand
    groups: 10 ms) than this text."""
    return Substr(Cast(column, CharField()), 1, 7)


def overview(user, projects, on: datetime.date) -> tuple[dict, dict]:
    """The counts of every file the user sees (the board's last line) and the trends:
    referrals, admissions and closures per month over two years, and the outcomes of the
    files closed in that time.

    The projects the user coordinates (every file the gate shows them) are added up from the
    projects' tallies (``parcours.cases.tallies``): a few thousand rows, where a pass over
    each file's figures cost 70 ms at 100 000 files. Files of projects where the user is
    only a case manager (their own) are counted in one pass over their figures, grouped by
    their three months, status and resolution."""
    months = _months(on)
    start = months[0]
    whole: dict = {key: 0 for key, _heading, _query in COLUMNS}
    counts: dict = {measure: Counter() for measure, _column in TREND_DAYS}
    outcomes: Counter = Counter()
    coordinated = user.project_ids(Role.COORDINATOR)
    tallied = [project for project in projects if project.pk in coordinated]
    if tallied:
        for key, n in tallies.whole(tallied, on).items():
            whole[key] += n
        per_month = (
            tallies.of_days(tallied, start, on)
            .annotate(month=_month("day"))
            .values_list("measure", "month", "detail")
            .annotate(files=Sum("n"))
        )
        for measure, month, detail, files in per_month:
            counts[measure][month] += files
            if measure == "closures" and detail is not None:
                outcomes[detail] += files
    if len(tallied) < len(projects):
        _count_own(user, [p for p in projects if p not in tallied], on, whole, counts, outcomes)
    labels = dict(Resolution.choices)
    trends = {
        "months": months,
        "series": {
            key: [counts[key][m.strftime("%Y-%m")] for m in months] for key, _column in TREND_DAYS
        },
        "outcomes": [
            (labels.get(code, code) or "—", outcomes[code])
            for code in [*Resolution.values, *(c for c in outcomes if c not in Resolution.values)]
            if outcomes.get(code)
        ],
    }
    return whole, trends


def _count_own(user, projects, on, whole: dict, counts: dict, outcomes: Counter) -> None:
    """A case manager's own files of ``projects``, in one pass over their figures."""
    start = _months(on)[0]
    month_of = {}
    for key, column in TREND_DAYS:
        in_range = Q(**{f"{column}__gte": start, f"{column}__lte": on})
        month_of[key] = Case(When(in_range, then=_month(column)))
    groups = (
        FamilyFigures.objects.visible_to(user)
        .filter(project__in=projects)
        .annotate(**month_of)
        .values(*month_of, "status", "resolution")
        .annotate(files=Count("pk"), **_aggregates(projects, on))
        .order_by()
    )
    for group in groups:
        for key in whole:
            whole[key] += group[key]
        for key in month_of:
            if group[key]:
                counts[key][group[key]] += group["files"]
        if group["closures"] and group["status"] == FamilyStatus.CLOSED:
            outcomes[group["resolution"]] += group["files"]


SERIES_CLASSES = {
    "referrals": "s-referrals",
    "admissions": "s-admissions",
    "closures": "s-closures",
}
CHART_WIDTH, CHART_HEIGHT, AXIS, MARGIN = 720, 180, 22, 24


def column_chart(months: list[datetime.date], series: dict) -> dict:
    """Three columns a month, drawn to the largest month; labels every third month."""
    top = max([1, *(v for values in series.values() for v in values)])
    slot = (CHART_WIDTH - 2 * MARGIN) / len(months)
    width = max(1.0, slot / (len(series) + 1))
    bars = []
    for i, _month in enumerate(months):
        for j, (key, values) in enumerate(series.items()):
            height = round((CHART_HEIGHT - AXIS) * values[i] / top, 1)
            bars.append(
                {
                    "x": round(MARGIN + i * slot + j * width + width / 2, 1),
                    "y": round(CHART_HEIGHT - AXIS - height, 1),
                    "w": round(width, 1),
                    "h": height,
                    "css": SERIES_CLASSES[key],
                    "value": values[i],
                }
            )
    ticks = [
        {"x": round(MARGIN + i * slot + slot / 2, 1), "month": month}
        for i, month in enumerate(months)
        if i % 3 == 0
    ]
    return {
        "bars": bars,
        "ticks": ticks,
        "top": top,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "axis_y": CHART_HEIGHT - AXIS,
        "label_y": CHART_HEIGHT - 6,
    }

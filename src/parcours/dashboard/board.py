"""What the dashboard counts, from the figures kept ready (parcours.cases.figures).

Per case manager: their open files and, of those, the ones that need something (the case
list's "needs attention" filters, so that every number opens exactly its files). Trends per
month over two years and the outcomes of closed files, from the same table.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, When
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Role, User
from parcours.cases.choices import FamilyStatus, Resolution
from parcours.cases.figures import Attention, needing
from parcours.cases.models import Family, FamilyFigures
from parcours.cases.services import eligible_case_managers

OPEN = "open"
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
            localize(self.value),
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


def _aggregates(projects, on, figures="") -> dict:
    """Per group of files: the open ones, and those needing each kind of attention, counted
    over ``FamilyFigures`` (or a model reaching them by ``figures``)."""
    open_files = Q(**{figures + "status__in": (FamilyStatus.ACTIVE, FamilyStatus.PAUSED)})
    counts = {OPEN: Count("pk", filter=open_files)}
    for key, _heading, _query in COLUMNS[1:]:
        counts[key] = Count("pk", filter=needing(key, projects, on, figures=figures))
    return counts


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
        team = eligible_case_managers(*coordinated)
        # and whoever left the team and still holds files: asked of the few users outside it
        holds = visible.filter(case_managers=OuterRef("pk"))
        holding = User.objects.exclude(pk__in=team.values("pk")).filter(Exists(holds))
        people = _named(team) + _named(holding)
    else:
        people = _named(User.objects.filter(pk=user.pk))
    people.sort(key=lambda person: person[1].lower())
    lines_page = Paginator(people, LINES_PER_PAGE).get_page(page)
    shown = dict(lines_page.object_list)
    # The gate's files joined to the page's case managers: asked the other way round (their
    # links among the gate's files), SQLite probed every file for each of them (0.7 s).
    per_person = {
        row.pop("case_managers"): row
        for row in visible.filter(case_managers__in=list(shown))
        .values("case_managers")
        .annotate(**_aggregates(projects, on, figures="figures__"))
        .order_by()
    }
    list_url = reverse("cases:list")
    lines = [
        _line(name, per_person.get(pk, {}), {"case_manager": pk}, list_url)
        for pk, name in shown.items()
    ]
    total = None
    if coordinated:
        total = _line(_("All files"), whole or {}, {}, list_url)
    return Board([heading for _key, heading, _q in COLUMNS], lines, total, lines_page)


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


TREND_DATES = [
    ("referrals", "referred_on"),
    ("admissions", "admitted_on"),
    ("closures", "closed_on"),
]


def overview(user, projects, on: datetime.date) -> tuple[dict, dict]:
    """One pass over the figures of every file the user sees: the counts of the whole (the
    board's last line) and the trends: referrals, admissions and closures per month over two
    years, and the outcomes of the files closed in that time. The files are grouped by their
    three months (each only when it falls in the two years), status and resolution, each group
    counting what needs attention; a query for each cost the dashboard four more passes."""
    months = _months(on)
    start = months[0]
    month_of = {}
    for key, column in TREND_DATES:
        in_range = Q(**{f"{column}__gte": start, f"{column}__lte": on})
        month_of[key] = Case(When(in_range, then=_month(column)))
    groups = (
        FamilyFigures.objects.visible_to(user)
        .annotate(**month_of)
        .values(*month_of, "status", "resolution")
        .annotate(files=Count("pk"), **_aggregates(projects, on))
        .order_by()
    )
    whole: dict = {key: 0 for key, _heading, _query in COLUMNS}
    counts: dict = {key: {} for key in month_of}
    outcomes: dict = {}
    for group in groups:
        for key in whole:
            whole[key] += group[key]
        for key in month_of:
            if group[key]:
                counts[key][group[key]] = counts[key].get(group[key], 0) + group["files"]
        if group["closures"] and group["status"] == FamilyStatus.CLOSED:
            resolution = group["resolution"]
            outcomes[resolution] = outcomes.get(resolution, 0) + group["files"]
    labels = dict(Resolution.choices)
    trends = {
        "months": months,
        "series": {
            key: [counts[key].get(m.strftime("%Y-%m"), 0) for m in months] for key in month_of
        },
        "outcomes": [
            (labels.get(code, code) or "—", outcomes[code])
            for code in [*Resolution.values, *(c for c in outcomes if c not in Resolution.values)]
            if outcomes.get(code)
        ],
    }
    return whole, trends


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

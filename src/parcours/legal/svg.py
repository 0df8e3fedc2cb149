"""Layout of the timeline picture, drawn as SVG by a template (so all text is escaped).

Lanes run left to right, one per person (and one for the whole family). The axis spans every
entry, births included. A stretch of more than a year without any entry is cut out of the axis
and drawn as a narrow break that says how long it was, so a forty-year life and a three-week
procedure both read; each stretch with entries gets its own scale (never narrower than
``MIN_STRETCH``) and its own year or month ticks. Each entry is a numbered marker (hollow when
its date is approximate or known to the month or year); markers too close to sit side by side
are stacked in rows within their lane; periods (procedures, detention) are bars below them.
"""

import datetime
import itertools
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.legal.timeline import FAMILY_LANE

WIDTH = 1000
LEFT = 150
RIGHT = 20
TOP = 34  # room above the lanes for the breaks' captions
BOTTOM = 24  # room below for the ticks' labels
GAP_DAYS = 2 * 365  # a longer stretch without any entry becomes a break in the axis
BREAK = 56  # pixels a break takes, whatever its length (less when there are many)
MIN_STRETCH = 80  # pixels a stretch with entries takes at least (less when there are many)
PAD = datetime.timedelta(days=20)  # room around a stretch's first and last entry
RADIUS = 8
ROW = 2 * RADIUS + 3  # markers closer than this share no row
BAR_ROW = 7
TICK_ROOM = 46  # pixels between two tick labels at least

GROUPS = {
    "life": ("birth", "arrival", "address_change"),
    "legal": (
        "application",
        "interview",
        "decision",
        "appeal",
        "lawyer_change",
        "visa_issued",
        "visa_expired",
    ),
    "danger": ("order_to_leave", "detention_start", "detention_end", "return_house", "release"),
    "document": ("document_issued", "document_expired"),
}


def group_of(kind: str) -> str:
    return next((g for g, kinds in GROUPS.items() if kind in kinds), "other")


@dataclass
class Mark:
    number: int
    x: float
    y: float
    hollow: bool
    group: str
    title: str


@dataclass
class Bar:
    x: float
    y: float
    width: float
    group: str
    title: str


@dataclass
class Stretch:
    """A part of the axis holding entries, drawn to its own scale from ``x0``."""

    start: datetime.date
    end: datetime.date
    x0: float = 0.0
    width: float = 0.0

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    def x(self, day: datetime.date) -> float:
        return round(self.x0 + (day - self.start).days * self.width / self.days, 1)


def _stretches(days: list[datetime.date], width: int) -> list[Stretch]:
    """Cut the sorted dates where more than GAP_DAYS pass without one, then share the width:
    each stretch gets MIN_STRETCH, the rest goes by length."""
    stretches = [Stretch(days[0] - PAD, days[0] + PAD)]
    for day in days[1:]:
        if (day - stretches[-1].end).days - PAD.days > GAP_DAYS:
            stretches.append(Stretch(day - PAD, day + PAD))
        else:
            stretches[-1].end = day + PAD
    count, plot = len(stretches), width - LEFT - RIGHT
    breaks = min(BREAK, plot * 0.25 / max(1, count - 1))
    least = min(MIN_STRETCH, plot * 0.35 / count)
    room = plot - breaks * (count - 1) - least * count
    total = sum(s.days for s in stretches)
    x = LEFT
    for stretch in stretches:
        stretch.x0 = x
        stretch.width = least + room * stretch.days / total
        x += stretch.width + breaks
    return stretches


def _break_width(stretches: list[Stretch]) -> float:
    first, second = stretches[0], stretches[1]
    return second.x0 - first.x0 - first.width


def _ticks(stretch: Stretch) -> list[dict]:
    """Years on a stretch that spans years; months on one a year wide or less."""
    per_year = stretch.width * 365 / stretch.days
    if per_year >= 12 * TICK_ROOM / 3 and 90 <= stretch.days < 500:
        every = 1 if per_year >= 12 * TICK_ROOM else 3
        day = datetime.date(stretch.start.year, stretch.start.month, 1)
        ticks = []
        while day <= stretch.end:
            if day >= stretch.start and (day.month - 1) % every == 0:
                ticks.append({"x": stretch.x(day), "label": f"{day.month:02d}/{day.year}"})
            day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return ticks
    step = max(1, math.ceil(TICK_ROOM / per_year))
    years = [
        y for y in range(stretch.start.year + 1, stretch.end.year + 1) if y % step == 0 or step == 1
    ]
    ticks = [{"x": stretch.x(datetime.date(y, 1, 1)), "label": str(y)} for y in years]
    if not ticks:  # a stretch within one year: its year at its start
        ticks = [{"x": stretch.x0 + 4, "label": str(stretch.start.year), "plain": True}]
    return ticks


def _gap_label(years: int) -> str:
    if years < 2:
        return _("a year without a known event")
    return _("%(n)s years without a known event") % {"n": years}


def layout(entries, members, today: datetime.date, width: int = WIDTH) -> dict | None:
    """The picture ``width`` units wide: narrower for print, so its text comes out larger on
    A4 (the PDF is 640 wide: mark numbers at 7 pt, names at 9.5 pt)."""
    if not entries:
        return None
    days = sorted({today, *(e.on for e in entries), *(e.until for e in entries if e.until)})
    stretches = _stretches(days, width)

    def x(day: datetime.date) -> float:
        stretch = next((s for s in stretches if day <= s.end), stretches[-1])
        return stretch.x(max(day, stretch.start))

    lanes = [(str(p.pk), p.given_name) for p in members] + [(FAMILY_LANE, _("Whole family"))]
    used = {lane for e in entries for lane in e.lanes}
    lanes = [lane for lane in lanes if lane[0] in used]

    # First place every marker in a row of its lane, then give each lane the height it needs.
    placed: dict[str, list] = {key: [] for key, _label in lanes}
    rows_used: dict[str, list[float]] = {key: [] for key, _label in lanes}
    periods: dict[str, list] = {key: [] for key, _label in lanes}  # rows taken by bars
    spans: dict[str, list] = {key: [] for key, _label in lanes}
    for number, entry in enumerate(entries, start=1):
        title = f"{entry.on.isoformat()} · {entry.label}"
        for lane in entry.lanes:
            if lane not in placed:
                continue
            at = x(entry.on)
            rows = rows_used[lane]
            row = next((i for i, last in enumerate(rows) if at - last >= ROW), len(rows))
            if row == len(rows):
                rows.append(at)
            rows[row] = at
            placed[lane].append((number, at, row, entry, title))
            if entry.until and entry.until > entry.on:
                bar_row = _free_row(periods[lane], entry.on, entry.until)
                spans[lane].append((bar_row, entry.on, entry.until, entry, title))

    marks, bars, lane_rows, y = [], [], [], TOP
    for key, label in lanes:
        first = y + RADIUS + 6
        mark_rows = max(1, len(rows_used[key]))
        for number, at, row, entry, title in placed[key]:
            marks.append(
                Mark(
                    number,
                    at,
                    first + row * ROW,
                    entry.precision != "day",
                    group_of(entry.kind),
                    title,
                )
            )
        below = first + (mark_rows - 1) * ROW + RADIUS + 4
        for bar_row, start, end, entry, title in spans[key]:
            bars.append(
                Bar(
                    x(start),
                    below + bar_row * BAR_ROW,
                    max(2.0, x(end) - x(start)),
                    group_of(entry.kind),
                    title,
                )
            )
        bar_rows = 1 + max((r for r, _s, _e in periods[key]), default=-1)
        height = (below - y) + bar_rows * BAR_ROW + 8
        lane_rows.append({"label": label, "y": first, "top": y, "height": height})
        y += height

    bottom = y
    breaks = []
    numbers = [(e.on, n) for n, e in enumerate(entries, start=1)]
    break_width = _break_width(stretches) if len(stretches) > 1 else 0
    for before, after in itertools.pairwise(stretches):
        left = before.x0 + before.width
        quiet_from, quiet_to = before.end - PAD, after.start + PAD
        years = (quiet_to - quiet_from).days // 365
        breaks.append(
            {
                "x": round(left + 3, 1),
                "width": round(break_width - 6, 1),
                "mid": round(left + break_width / 2, 1),
                "short": ngettext("%(n)s year", "%(n)s years", years) % {"n": years},
                "label": _gap_label(years),
                "after": max((n for on, n in numbers if on <= quiet_from), default=0),
            }
        )
    return {
        "width": width,
        "height": bottom + BOTTOM,
        "left": LEFT,
        "right": width - RIGHT,
        "top": TOP,
        "bottom": bottom,
        "plot_height": bottom - TOP,
        "lanes": lane_rows,
        "ticks": [t for s in stretches for t in _ticks(s)],
        "marks": marks,
        "bars": bars,
        "gaps": breaks,
        "today": x(today),
    }


def _free_row(taken: list[tuple], start, end) -> int:
    """The first row in which [start, end] overlaps no bar already placed; remembers it."""
    row = 0
    while any(r == row and s < end and start < e for r, s, e in taken):
        row += 1
    taken.append((row, start, end))
    return row

"""Layout of the timeline picture, drawn as SVG by a template (so all text is escaped).

Lanes run left to right, one per person (and one for the whole family). Years are ticks; each
entry is a numbered marker (hollow when its date is approximate or known to the year), periods
(procedures, detention) are bars, and a stretch of more than a year without any entry is shaded
as a gap. Bars that overlap in one lane are stacked so overlaps stay visible.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from parcours.legal.timeline import FAMILY_LANE

WIDTH = 1000
LEFT = 150
RIGHT = 20
TOP = 30
LANE = 54
GAP_DAYS = 366

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


def layout(entries, members, today: datetime.date) -> dict | None:
    if not entries:
        return None
    # The axis follows the migration story; births long before it are pinned to its left edge.
    story = [e for e in entries if e.kind != "birth"] or entries
    start = min(e.on for e in story)
    end = max([today, *(e.until or e.on for e in entries)])
    first_year, last_year = start.year, end.year + 1
    origin = datetime.date(first_year, 1, 1)
    span = (datetime.date(last_year, 1, 1) - origin).days
    scale = (WIDTH - LEFT - RIGHT) / span

    def x(day: datetime.date) -> float:
        return round(LEFT + max(0, (day - origin).days) * scale, 1)

    lanes = [(str(p.pk), p.given_name) for p in members] + [(FAMILY_LANE, _("Whole family"))]
    used = {lane for e in entries for lane in e.lanes}
    lanes = [lane for lane in lanes if lane[0] in used]
    lane_y = {key: TOP + i * LANE + LANE / 2 for i, (key, _label) in enumerate(lanes)}
    height = TOP + len(lanes) * LANE + 24

    step = max(1, (last_year - first_year) // 12)
    ticks = [
        {"x": x(datetime.date(y, 1, 1)), "year": y} for y in range(first_year, last_year + 1, step)
    ]
    marks, bars = [], []
    stacks: dict[str, list[tuple]] = {}
    for number, entry in enumerate(entries, start=1):
        title = f"{entry.on.isoformat()} · {entry.label}"
        for lane in entry.lanes:
            if lane not in lane_y:
                continue
            if entry.until and entry.until > entry.on:
                row = _free_row(stacks.setdefault(lane, []), entry.on, entry.until)
                bars.append(
                    Bar(
                        x(entry.on),
                        lane_y[lane] + 10 + row * 6,
                        max(2.0, x(entry.until) - x(entry.on)),
                        group_of(entry.kind),
                        title,
                    )
                )
            marks.append(
                Mark(
                    number,
                    x(entry.on),
                    lane_y[lane],
                    entry.precision != "day" or entry.on < origin,
                    group_of(entry.kind),
                    title,
                )
            )
    gaps = []
    dates = sorted({max(e.on, origin) for e in entries})
    for before, after in itertools.pairwise(dates):
        if (after - before).days > GAP_DAYS:
            years = (after - before).days // 365
            left, width = x(before) + 6, max(0.0, x(after) - x(before) - 12)
            gaps.append(
                {
                    "x": left,
                    "width": width,
                    "mid": left + width / 2,
                    "label": _("%(n)s years without a known event") % {"n": years}
                    if years > 1
                    else _("a year without a known event"),
                }
            )
    return {
        "width": WIDTH,
        "height": height,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": height - 24,
        "plot_height": height - 24 - TOP,
        "lanes": [{"label": label, "y": lane_y[key]} for key, label in lanes],
        "ticks": ticks,
        "marks": marks,
        "bars": bars,
        "gaps": gaps,
        "today": x(today),
    }


def _free_row(taken: list[tuple], start, end) -> int:
    """The first row in which [start, end] overlaps no bar already placed; remembers it."""
    row = 0
    while any(r == row and s < end and start < e for r, s, e in taken):
        row += 1
    taken.append((row, start, end))
    return row

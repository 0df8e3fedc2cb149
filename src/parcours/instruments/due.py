"""Sheets that fall due, for the one collector of due items (casework.due).

A baseline is due at admission; a Client Summary Sheet a year after admission or the last one,
and at closure (the seed: "yearly, and at closure").
"""

import datetime
from collections.abc import Iterable

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.cases.choices import FamilyStatus
from parcours.casework.due import DueItem

YEAR = datetime.timedelta(days=365)
AFTER_CLOSURE = datetime.timedelta(days=60)


def sheet_items(family, last_baseline, last_summary, today, until) -> Iterable[DueItem]:
    """The sheets ``family`` owes, from when its last baseline and its last Client Summary
    Sheet were submitted (None for none)."""
    if family.admitted_on is None:
        return
    if family.status == FamilyStatus.CLOSED:
        if family.closed_on is None or family.closed_on < today - AFTER_CLOSURE:
            return
    elif family.status not in (FamilyStatus.ACTIVE, FamilyStatus.PAUSED):
        return
    url = reverse("family", args=[family.pk]) + "#instruments"
    if last_baseline is None and family.status != FamilyStatus.CLOSED:
        yield DueItem(
            "sheet", _("baseline due"), family.admitted_on, family, url, f"baseline-{family.pk}"
        )
    last = last_summary.date() if last_summary else None
    if family.status == FamilyStatus.CLOSED:
        if last is None or last < family.closed_on:
            yield DueItem(
                "sheet",
                _("Client Summary Sheet due (closure)"),
                family.closed_on,
                family,
                url,
                f"css-closure-{family.pk}",
            )
        return
    due = (last or family.admitted_on) + YEAR
    if due <= until:
        yield DueItem(
            "sheet",
            _("Client Summary Sheet due"),
            due,
            family,
            url,
            f"css-{family.pk}-{due.isoformat()}",
        )


def sheets(families, today, until):
    submitted = Q(responses__status="submitted")
    rows = (
        families.filter(
            Q(status__in=(FamilyStatus.ACTIVE, FamilyStatus.PAUSED))
            | Q(status=FamilyStatus.CLOSED, closed_on__gte=today - AFTER_CLOSURE)
        )
        .exclude(admitted_on=None)
        .annotate(
            last_baseline=Max(
                "responses__submitted_at", filter=submitted & Q(responses__instrument="baseline")
            ),
            last_summary=Max(
                "responses__submitted_at",
                filter=submitted & Q(responses__instrument="client_summary_sheet"),
            ),
        )
    )
    for family in rows:
        yield from sheet_items(family, family.last_baseline, family.last_summary, today, until)

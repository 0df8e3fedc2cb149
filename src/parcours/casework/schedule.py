"""When the next review falls due.

A review is due ``review_interval_weeks`` after the last one (or after admission). Time spent
paused does not count: each paused day moves the due date one day later, and a paused case is
never overdue (the seed: "casemanagement kan worden onderbroken").
"""

import datetime

from django.utils import timezone

from parcours.cases.choices import FamilyStatus


def paused_days(status_changes, since: datetime.date, until: datetime.date) -> int:
    """Days between ``since`` and ``until`` that the file spent paused."""
    days = 0
    paused_from = None
    for change in sorted(status_changes, key=lambda c: c.at):
        day = timezone.localdate(change.at)
        if change.to_status == FamilyStatus.PAUSED:
            paused_from = day
        elif change.from_status == FamilyStatus.PAUSED and paused_from is not None:
            days += _overlap(paused_from, day, since, until)
            paused_from = None
    if paused_from is not None:
        days += _overlap(paused_from, until, since, until)
    return days


def _overlap(start, end, since, until) -> int:
    return max(0, (min(end, until) - max(start, since)).days)


def next_review_due(family, last_review_on, status_changes, today) -> datetime.date | None:
    """The due date of the next review of an active family; None when none is due."""
    if family.status != FamilyStatus.ACTIVE or family.admitted_on is None:
        return None
    base = max(filter(None, [last_review_on, family.admitted_on]))
    interval = datetime.timedelta(weeks=family.project.review_interval_weeks)
    return base + interval + datetime.timedelta(days=paused_days(status_changes, base, today))

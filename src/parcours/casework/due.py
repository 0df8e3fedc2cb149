"""The one place that collects what is due: for "my week", the family page and the calendar.

Each collector takes the families in view and the day, and yields DueItems. Later capabilities
(instrument sheets, legal deadlines) add their collector to COLLECTORS.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from parcours.cases.choices import FamilyStatus
from parcours.cases.models import Family, StatusChange
from parcours.casework.choices import ActionStatus
from parcours.casework.models import Action
from parcours.casework.schedule import next_review_due

HORIZON_DAYS = 7
OPEN_STATES = (FamilyStatus.ACTIVE, FamilyStatus.PAUSED)


@dataclass(frozen=True)
class DueItem:
    kind: str  # "action", "review", "no_contact"
    label: str  # what is due, never a name
    on: datetime.date
    family: Family
    url: str
    uid: str  # stable identity for calendars

    def overdue(self, today: datetime.date) -> bool:
        return self.on < today


def _actions(families, today, until) -> Iterable[DueItem]:
    actions = (
        Action.objects.filter(
            family__in=families,
            status=ActionStatus.OPEN,
            due_on__lte=until,
            family__status__in=OPEN_STATES,
        )
        .select_related("family")
        .order_by("due_on")
    )
    for action in actions:
        yield DueItem(
            "action",
            str(_("action due")),
            action.due_on,
            action.family,
            reverse("family", args=[action.family_id]) + "#actions",
            f"action-{action.pk}",
        )


def _reviews(families, today, until) -> Iterable[DueItem]:
    active = (
        families.filter(status=FamilyStatus.ACTIVE)
        .select_related("project")
        .annotate(last_review=Max("reviews__held_on"))
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.only("family_id", "at", "from_status", "to_status"),
            )
        )
    )
    for family in active:
        due = next_review_due(family, family.last_review, family.status_changes.all(), today)
        if due and due <= until:
            yield DueItem(
                "review",
                str(_("review due")),
                due,
                family,
                reverse("casework:review_create", args=[family.pk]),
                f"review-{family.pk}-{due.isoformat()}",
            )


def _no_contact(families, today, until) -> Iterable[DueItem]:
    quiet = (
        families.filter(status=FamilyStatus.ACTIVE)
        .select_related("project")
        .annotate(last_contact=Max("contacts__on"))
    )
    for family in quiet:
        since = max(filter(None, [family.last_contact, family.admitted_on]))
        alert_on = since + datetime.timedelta(days=family.project.contact_alert_days)
        if alert_on <= until:
            yield DueItem(
                "no_contact",
                str(
                    _("no contact since %(date)s")
                    % {"date": date_format(since, "SHORT_DATE_FORMAT")}
                ),
                alert_on,
                family,
                reverse("family", args=[family.pk]) + "#contacts",
                f"contact-{family.pk}-{since.isoformat()}",
            )


Collector = Callable[..., Iterable[DueItem]]
COLLECTORS: list[Collector] = [_actions, _reviews, _no_contact]


def due_items(families, today: datetime.date, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """Everything overdue or due within ``horizon_days`` for ``families``, soonest first."""
    until = today + datetime.timedelta(days=horizon_days)
    items = [item for collect in COLLECTORS for item in collect(families, today, until)]
    return sorted(items, key=lambda i: (i.on, i.kind, i.family.case_number))

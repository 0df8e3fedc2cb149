"""The one place that collects what is due: for "my week", the family page and the calendar.

Each collector takes the families in view and the day, and yields DueItems. Later capabilities
(instrument sheets, legal deadlines) add their collector to COLLECTORS. Each rule is also a
function of one family's values (``action_item``, ``quiet_item``, ...), which the family page
applies to what its panels have read, instead of querying again.
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
    # What the item is in the family's own words (an action's text): shown on pages to whoever
    # may see the file, never written to a calendar feed or a mail.
    detail: str = ""

    def overdue(self, today: datetime.date) -> bool:
        return self.on < today

    def missed(self, today: datetime.date) -> bool:
        """A legal deadline whose day has passed: marked, and listed before anything else."""
        return self.kind == "deadline" and self.on < today


def action_item(action, family) -> DueItem:
    return DueItem(
        "action",
        str(_("action due")),
        action.due_on,
        family,
        reverse("family", args=[family.pk]) + "#actions",
        f"action-{action.pk}",
        detail=action.description,
    )


def review_item(family, due: datetime.date) -> DueItem:
    return DueItem(
        "review",
        str(_("review due")),
        due,
        family,
        reverse("casework:review_create", args=[family.pk]),
        f"review-{family.pk}-{due.isoformat()}",
    )


def quiet_item(family, last_contact: datetime.date | None, until) -> DueItem | None:
    """No contact for the project's alert period, from the last contact (or admission)."""
    since = max(filter(None, [last_contact, family.admitted_on]))
    alert_on = since + datetime.timedelta(days=family.project.contact_alert_days)
    if alert_on > until:
        return None
    return DueItem(
        "no_contact",
        str(_("no contact since %(date)s") % {"date": date_format(since, "SHORT_DATE_FORMAT")}),
        alert_on,
        family,
        reverse("family", args=[family.pk]) + "#contacts",
        f"contact-{family.pk}-{since.isoformat()}",
    )


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
        yield action_item(action, action.family)


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
            yield review_item(family, due)


def _no_contact(families, today, until) -> Iterable[DueItem]:
    quiet = (
        families.filter(status=FamilyStatus.ACTIVE)
        .select_related("project")
        .annotate(last_contact=Max("contacts__on"))
    )
    for family in quiet:
        item = quiet_item(family, family.last_contact, until)
        if item:
            yield item


def casework_due(family, today, *, open_actions, next_review, last_contact) -> list[DueItem]:
    """One family's actions, review and contact due, by the rules of the collectors above,
    from what the family page has read already (its open actions, its next review, its latest
    contact), so the page does not read them twice."""
    until = today + datetime.timedelta(days=HORIZON_DAYS)
    items = []
    if family.status in OPEN_STATES:
        items += [action_item(a, family) for a in open_actions if a.due_on and a.due_on <= until]
    if family.status == FamilyStatus.ACTIVE:
        if next_review and next_review <= until:
            items.append(review_item(family, next_review))
        quiet = quiet_item(family, last_contact, until)
        if quiet:
            items.append(quiet)
    return items


Collector = Callable[..., Iterable[DueItem]]
COLLECTORS: list[Collector] = [_actions, _reviews, _no_contact]


def due_items(families, today: datetime.date, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """Everything overdue or due within ``horizon_days`` for ``families``, soonest first."""
    until = today + datetime.timedelta(days=horizon_days)
    return soonest_first(
        (item for collect in COLLECTORS for item in collect(families, today, until)), today
    )


def soonest_first(items: Iterable[DueItem], today: datetime.date | None = None) -> list[DueItem]:
    """Missed legal deadlines first (with ``today``), then by day."""
    return sorted(
        items,
        key=lambda i: (not (today and i.missed(today)), i.on, i.kind, i.family.case_number),
    )

"""The day's reminders and each person's digest.

``remind`` looks at every open file once a day (the worker's daily run, or `parcours remind`):
a legal deadline on the project's reminder days (14, 7, 2 and 0 days ahead by default; a day
without a run is caught up the next) and once it was missed, a review or an action that
became overdue, a file quiet for longer than the project's alert period, and a person who
opened more files within an hour than the access alert allows. Each is told through
parcours.notify under a key, so however often the run runs, one person hears of one thing
once (a deadline once per reminder day).

``digests`` writes one mail per person and day: what is due in their files from today to a
week ahead, and what they were told in Parcours since the day before, grouped by case number.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.models import Role, User, coordinators
from parcours.cases.models import Cover, Family
from parcours.casework.due import OPEN_STATES, due_items
from parcours.legal.due import notified_procedures
from parcours.notify import webhooks
from parcours.notify.models import Channel, Kind, Message, Notification
from parcours.notify.services import channel_for, mail_enabled, notify
from parcours.privacy.models import AuditAction, AuditEvent

DIGEST_DAYS = 7
URGENT_DAYS = 2  # from this many days before a deadline: coordinators too, and mail at once
MISSED_DAYS = 3  # a missed deadline is told the day after, or up to three days late


@dataclass
class Told:
    """What a run queued: notifications per person (case numbers), mails, digests."""

    notifications: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    mails: int = 0
    digests: dict[str, int] = field(default_factory=dict)

    def add(self, made) -> None:
        for notification in made:
            self.notifications[notification.recipient.username].append(
                f"{notification.case_number or '—'} {notification.kind}"
            )
        self.mails += Message.objects.filter(notification__in=made).count()


def _open_families():
    return Family.objects.filter(status__in=OPEN_STATES, project__network=False)


def _teams(families) -> dict:
    """Each family's case managers and the colleagues covering it today."""
    teams = defaultdict(set)
    managers = Family.case_managers.through.objects.filter(family__in=families)
    users = {u.pk: u for u in User.objects.filter(is_active=True)}
    for family_id, user_id in managers.values_list("family_id", "user_id"):
        if user_id in users:
            teams[family_id].add(users[user_id])
    for family_id, user_id in (
        Cover.objects.current().filter(family__in=families).values_list("family_id", "user_id")
    ):
        if user_id in users:
            teams[family_id].add(users[user_id])
    return teams


def _coordinators(project_id) -> list:
    return list(coordinators(project_id))


def _labels(rule) -> dict:
    return {"nl": rule.label_nl, "fr": rule.label_fr, "en": rule.label_en}


def reminder_step(days: int, reminder_days: set[int]) -> int | None:
    """Which of the project's reminder days a deadline ``days`` ahead falls under: the nearest
    one not passed yet (13 days ahead is the 14-day reminder, so a day without a run is caught
    up the next day); -1 for a deadline missed in the last MISSED_DAYS days; None when it is
    further than the first reminder day, or missed longer ago."""
    if days < 0:
        return -1 if days >= -MISSED_DAYS else None
    return min((d for d in reminder_days if d >= days), default=None)


def _deadlines(today, teams, told: Told) -> None:
    for procedure in notified_procedures(_open_families(), today):
        deadline = procedure.deadline
        if deadline is None:
            continue
        days = (deadline - today).days
        family = procedure.family
        step = reminder_step(days, family.project.reminder_days)
        if step is None:
            continue
        recipients = set(teams.get(family.pk, ()))
        if days <= URGENT_DAYS:
            recipients |= set(_coordinators(family.project_id))
        told.add(
            notify(
                Kind.DEADLINE,
                recipients,
                family=family,
                params={
                    "rule": _labels(procedure.deadline_rule),
                    "date": deadline.isoformat(),
                    "days": days,
                },
                link=reverse("legal:dossier", args=[family.pk]),
                key=f"deadline:{procedure.pk}:{deadline.isoformat()}:{step}",
                urgent=days <= URGENT_DAYS,
            )
        )


def _overdue(today, teams, told: Told) -> None:
    """Reviews and actions past their day, files quiet past the project's alert period."""
    for item in due_items(_open_families(), today, horizon_days=0):
        family = item.family
        if item.kind == "action" and item.on < today:
            kind, params = Kind.ACTION_OVERDUE, {"date": item.on.isoformat()}
        elif item.kind == "review" and item.on < today:
            kind, params = Kind.REVIEW_OVERDUE, {"date": item.on.isoformat()}
        elif item.kind == "no_contact":
            since = item.on - datetime.timedelta(days=family.project.contact_alert_days)
            kind, params = Kind.QUIET, {"since": since.isoformat()}
        else:
            continue
        told.add(
            notify(
                kind,
                teams.get(family.pk, ()),
                family=family,
                params=params,
                link=item.url,
                key=f"{kind}:{item.uid}",
            )
        )


def _access_alerts(today, told: Told) -> None:
    """Yesterday's hours in which someone opened more files than PARCOURS_ACCESS_ALERT, to
    the coordinators of the projects of those files."""
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time())
    )
    busy = (
        AuditEvent.objects.filter(
            at__gte=start,
            at__lt=start + datetime.timedelta(days=1),
            action__in=(AuditAction.VIEW, AuditAction.EXPORT),
            family_id__isnull=False,
            user__isnull=False,
        )
        .annotate(hour=TruncHour("at", tzinfo=datetime.UTC))
        .values("user_id", "user__username", "hour")
        .annotate(files=Count("family_id", distinct=True))
        .filter(files__gt=settings.PARCOURS_ACCESS_ALERT)
    )
    for row in busy:
        opened = AuditEvent.objects.filter(
            user_id=row["user_id"],
            at__gte=row["hour"],
            at__lt=row["hour"] + datetime.timedelta(hours=1),
            family_id__isnull=False,
        ).values("family_id")
        projects = Family.objects.filter(pk__in=opened).values_list("project_id", flat=True)
        for project_id in set(projects):
            told.add(
                notify(
                    Kind.ACCESS_ALERT,
                    _coordinators(project_id),
                    project=None,
                    params={
                        "pattern": "busy",
                        "who": row["user__username"],
                        "n": settings.PARCOURS_ACCESS_ALERT,
                        "hour": row["hour"].isoformat(),
                    },
                    link=reverse("cases:list"),
                    key=f"access:{row['user_id']}:{row['hour'].isoformat()}:{project_id}",
                )
            )


@transaction.atomic
def remind(today: datetime.date | None = None) -> Told:
    """The day's reminders, told through parcours.notify; safe to run again the same day."""
    today = today or timezone.localdate()
    told = Told()
    teams = _teams(_open_families())
    _deadlines(today, teams, told)
    _deadline_webhooks(today)
    _overdue(today, teams, told)
    _access_alerts(today, told)
    return told


def _deadline_webhooks(today) -> int:
    """deadline.approaching, once per deadline and subscription, when it comes within the
    subscription's days (a day without a run is caught up the next)."""
    event = webhooks.EventType.DEADLINE_APPROACHING
    if not webhooks.wanted(event):
        return 0
    items = []
    for procedure in notified_procedures(_open_families(), today):
        deadline = procedure.deadline
        if deadline is None or deadline < today:
            continue
        family = procedure.family
        data = webhooks.family_data(
            family,
            deadline=deadline.isoformat(),
            days=(deadline - today).days,
            rule=procedure.deadline_rule.code,
        )
        items.append((family.project_id, data, f"deadline:{procedure.pk}:{deadline.isoformat()}"))
    return webhooks.emit_many(event, items)


def _digest_items(user, today) -> list[dict]:
    """What is due in the person's files from today to DIGEST_DAYS ahead (deadlines, actions,
    reviews, quiet files), then what they were told since yesterday that waits for the digest;
    codes and dates only."""
    until = today + datetime.timedelta(days=DIGEST_DAYS)
    mine = _open_families().filter(case_managers=user) | _open_families().filter(
        covers__in=Cover.objects.current().filter(user=user)
    )
    mine = mine.distinct()
    items = []
    for procedure in notified_procedures(mine, today):
        deadline = procedure.deadline
        if deadline and today - datetime.timedelta(days=1) <= deadline <= until:
            items.append(
                {
                    "case": procedure.family.case_number,
                    "kind": Kind.DEADLINE,
                    "params": {
                        "rule": _labels(procedure.deadline_rule),
                        "date": deadline.isoformat(),
                        "days": (deadline - today).days,
                    },
                }
            )
    for item in due_items(mine, today, horizon_days=DIGEST_DAYS):
        when = {"date": item.on.isoformat(), "upcoming": item.on >= today}
        if item.kind == "action":
            items.append(
                {"case": item.family.case_number, "kind": Kind.ACTION_OVERDUE, "params": when}
            )
        elif item.kind == "review":
            items.append(
                {"case": item.family.case_number, "kind": Kind.REVIEW_OVERDUE, "params": when}
            )
        elif item.kind == "no_contact" and item.on <= today:
            since = item.on - datetime.timedelta(days=item.family.project.contact_alert_days)
            items.append(
                {
                    "case": item.family.case_number,
                    "kind": Kind.QUIET,
                    "params": {"since": since.isoformat()},
                }
            )
    listed = {Kind.DEADLINE, Kind.ACTION_OVERDUE, Kind.REVIEW_OVERDUE, Kind.QUIET}
    recent = Notification.objects.filter(
        recipient=user,
        read_at__isnull=True,
        created_at__gte=timezone.now() - datetime.timedelta(days=1),
    ).exclude(kind__in=listed)
    for notification in recent:
        if channel_for(user, notification.kind, notification.project_id) == Channel.DIGEST:
            items.append(
                {
                    "case": notification.case_number,
                    "kind": notification.kind,
                    "params": notification.params,
                }
            )
    return sorted(
        items, key=lambda i: (i["case"], i["params"].get("date") or i["params"].get("since", ""))
    )


def _wants_digest(user) -> bool:
    project = next(iter(sorted(user.project_ids(Role.CASE_MANAGER, Role.COORDINATOR))), None)
    return any(channel_for(user, kind, project) == Channel.DIGEST for kind in Kind.values)


@transaction.atomic
def digests(today: datetime.date | None = None) -> dict[str, int]:
    """One digest per person and day (never two: the outbox's key is the person and the day),
    to those who take one and have something in it; {username: items}."""
    if not mail_enabled():
        return {}
    today = today or timezone.localdate()
    queued = {}
    people = User.objects.filter(is_active=True).exclude(email="").order_by("username")
    for user in people:
        key = f"digest:{user.pk}:{today.isoformat()}"
        if Message.objects.filter(key=key).exists() or not _wants_digest(user):
            continue
        items = _digest_items(user, today)
        if not items:
            continue
        Message.objects.create(
            kind="digest",
            key=key,
            recipient=user,
            payload={"date": today.isoformat(), "items": items},
        )
        queued[user.username] = len(items)
    return queued

"""Telling people: a notification for each person who may see the file now, and the e-mail
it asks for written to the outbox, in the transaction of the change that causes it.

The case apps call ``notify`` from their services; the reminders' daily run calls it with a
``key``, so that however often it runs a person hears of one deadline once a day.
"""

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from parcours.database import read
from parcours.notify.models import (
    DEFAULT_CHANNEL,
    Channel,
    Kind,
    Message,
    Notification,
    Preference,
    ProjectDefault,
)


def may_see(user, family_id) -> bool:
    """The visibility gate, asked by the model's name: the case apps sit above this one."""
    if family_id is None:
        return True
    family = apps.get_model("cases", "Family")
    return user.is_active and family.objects.visible_to(user).filter(pk=family_id).exists()


def channel_for(user, kind: str, project_id: int | None) -> str:
    """The person's own choice, else their project's default, else Parcours' default."""
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("channel", flat=True)
    for channel in chosen:
        return channel
    if project_id is not None:
        default = ProjectDefault.objects.filter(project_id=project_id, kind=kind)
        for channel in default.values_list("channel", flat=True):
            return channel
    return DEFAULT_CHANNEL[kind]


def mail_enabled() -> bool:
    return bool(settings.PARCOURS_EMAIL_URL)


@transaction.atomic
def notify(
    kind: Kind,
    recipients: Iterable,
    *,
    family=None,
    project=None,
    params: dict | None = None,
    link: str = "",
    key: str = "",
    urgent: bool = False,
    case_number: str = "",
    not_to=None,
) -> list[Notification]:
    """A notification for each recipient who may see ``family`` now (through the gate), and
    an e-mail in the outbox for those who want one at once (always, when ``urgent``). With
    ``key``, a person already told under that key is not told again. Without ``family``
    (a file handed away from someone), ``case_number`` names it. Nobody is told of what they
    did themselves (``not_to``)."""
    project = project or (family.project if family is not None else None)
    case_number = getattr(family, "case_number", "") or case_number
    made = []
    for user in {u.pk: u for u in recipients if u is not None and u != not_to}.values():
        if not may_see(user, getattr(family, "pk", None)):
            continue
        if key and Notification.objects.filter(recipient=user, key=key).exists():
            continue
        try:
            with transaction.atomic():  # two daily runs at once: the key decides
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    family=family,
                    project=project,
                    case_number=case_number,
                    params=params or {},
                    link=link,
                    key=key,
                )
        except IntegrityError:
            continue
        made.append(notification)
        channel = (
            Channel.INSTANT if urgent else channel_for(user, kind, getattr(project, "pk", None))
        )
        if channel == Channel.INSTANT and mail_enabled() and user.email:
            Message.objects.create(
                kind="notification",
                key=f"email:{notification.pk}",
                recipient=user,
                notification=notification,
            )
    return made


def visible_notifications(user):
    """A person's notifications whose file they may still see (the gate again, as they read):
    the gate is asked only about the files their notifications name."""
    family = apps.get_model("cases", "Family")
    mine = Notification.objects.filter(recipient=user)
    named = mine.exclude(family=None).values("family_id")
    visible = family.objects.visible_to(user).filter(pk__in=named).values("pk")
    return mine.filter(Q(family__isnull=True) | Q(family_id__in=visible))


def unread_count(user) -> int:
    """The bell's number, on every page: the person's unread notifications (a partial index),
    then the gate asked about their few files only."""
    # The partial index answers it (no sort: that would read every row first), by hand.
    key = Notification._meta.get_field("family").target_field.to_python  # SQLite's hex: a UUID
    unread = [
        family_id if family_id is None else key(family_id)
        for (family_id,) in read(
            "SELECT family_id FROM notify_notification"
            " WHERE recipient_id = %s AND read_at IS NULL LIMIT 500",
            [user.pk],
        )
    ]
    named = {family_id for family_id in unread if family_id is not None}
    if named:
        family = apps.get_model("cases", "Family")
        named = set(
            family.objects.visible_to(user).filter(pk__in=named).values_list("pk", flat=True)
        )
    return sum(1 for family_id in unread if family_id is None or family_id in named)


def mark_read(user, notifications=None) -> int:
    """Mark some of a person's notifications read (all of them without ``notifications``)."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notifications is not None:
        mine = mine.filter(pk__in=[n.pk for n in notifications])
    return mine.update(read_at=timezone.now())


def prune() -> int:
    """Forget notifications past PARCOURS_NOTIFICATION_KEEP_DAYS, with their sent messages."""
    done = Message.objects.exclude(status="pending")
    old = timezone.now() - datetime.timedelta(days=settings.PARCOURS_NOTIFICATION_KEEP_DAYS)
    done.filter(created_at__lt=old).delete()
    deleted, _counts = Notification.objects.expired().delete()
    return deleted


@transaction.atomic
def choose(user, choices: dict[str, str]) -> None:
    """Keep a person's channel for each kind."""
    for kind, channel in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


@transaction.atomic
def set_project_defaults(project, choices: dict[str, str]) -> None:
    for kind, channel in choices.items():
        ProjectDefault.objects.update_or_create(
            project=project, kind=kind, defaults={"channel": channel}
        )

"""The outbox's delivery, run by `parcours worker`: each message due is leased by one worker,
sent, and marked sent; a refusal or an unreachable server is tried again with backoff (the
first retry within a minute) until PARCOURS_OUTBOX_RETRY_HOURS have passed, then the message is
failed and the administrators are told. A worker killed while it holds a message lets go of it
when its lease ends (LEASE), and another worker takes it up.

Leasing is one conditional UPDATE per message: on SQLite and on PostgreSQL alike only one
worker's update matches, so two workers never send one message.
"""

import datetime
import logging
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from parcours.notify import mail, webhooks
from parcours.notify.models import Kind, Message, MessageStatus, Webhook
from parcours.notify.services import may_see, notify

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=2)
# Waits after the 1st, 2nd, … failed attempt; the last one repeats.
BACKOFF = [
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=2),
]


def _free(now):
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def lease(pk, worker: str, now: datetime.datetime) -> bool:
    """Take message ``pk`` for ``worker`` if nobody holds it; True when taken."""
    taken = (
        Message.objects.filter(pk=pk, status=MessageStatus.PENDING)
        .filter(_free(now))
        .update(leased_until=now + LEASE, leased_by=worker[:64])
    )
    return taken == 1


def deliver_due(worker: str, now: datetime.datetime | None = None, limit: int = 100) -> dict:
    """Send what is due now; returns how many were sent, dropped, retried and failed."""
    now = now or timezone.now()
    counts = {"sent": 0, "dropped": 0, "retried": 0, "failed": 0}
    due = list(
        Message.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
        .filter(_free(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        if not lease(pk, worker, now):
            continue  # another worker took it first
        message = Message.objects.select_related("recipient", "notification", "webhook").get(pk=pk)
        counts[_deliver(message, worker)] += 1
    return counts


def _still_wanted(message) -> bool:
    if message.channel == Message.Channel.WEBHOOK:
        return message.webhook is not None and message.webhook.sending
    user = message.recipient
    if user is None or not user.is_active or not user.email:
        return False
    notification = message.notification
    return notification is None or may_see(user, notification.family_id)


def _deliver(message, worker: str) -> str:
    held = Message.objects.filter(pk=message.pk, leased_by=worker[:64])
    if not _still_wanted(message):  # the file was handed over, the account closed
        held.update(status=MessageStatus.DROPPED, leased_until=None)
        return "dropped"
    try:
        if message.channel == Message.Channel.WEBHOOK:
            webhooks.send(message)
        else:
            mail.send(message)
    except Exception as error:
        return _failed(message, held, error)
    held.update(status=MessageStatus.SENT, sent_at=timezone.now(), leased_until=None)
    return "sent"


def _failed(message, held, error) -> str:
    now = timezone.now()
    attempts = message.attempts + 1
    reason = f"{type(error).__name__}: {error}"[:500]
    giving_up = now - message.created_at >= datetime.timedelta(
        hours=settings.PARCOURS_OUTBOX_RETRY_HOURS
    )
    if giving_up:
        held.update(
            status=MessageStatus.FAILED, attempts=attempts, last_error=reason, leased_until=None
        )
        logger.error(
            "Outbox message %s given up after %s attempts: %s", message.pk, attempts, reason
        )
        if message.channel == Message.Channel.WEBHOOK:
            _pause(message.webhook, now)
        else:
            _tell_administrators(now)
        return "failed"
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    held.update(attempts=attempts, last_error=reason, next_attempt_at=now + wait, leased_until=None)
    logger.warning("Outbox message %s not sent (attempt %s): %s", message.pk, attempts, reason)
    return "retried"


def _pause(hook, now) -> None:
    """A subscription that failed for PARCOURS_OUTBOX_RETRY_HOURS is paused (nothing more is
    queued or sent for it) and the person who made it is told in Parcours."""
    if Webhook.objects.filter(pk=hook.pk, paused_at=None).update(paused_at=now) != 1:
        return
    Message.objects.filter(webhook=hook, status=MessageStatus.PENDING).update(
        status=MessageStatus.DROPPED, leased_until=None
    )
    notify(
        Kind.DELIVERY_FAILED,
        [hook.created_by],
        project=hook.project,
        params={"what": "webhook", "hours": settings.PARCOURS_OUTBOX_RETRY_HOURS},
        link=f"/webhooks/{hook.pk}/",
        key=f"delivery-failed:webhook:{hook.pk}:{now.isoformat()}",
    )


def _tell_administrators(now) -> None:
    """Once a day at most, in Parcours: mail may be what is broken."""
    admins = get_user_model().objects.filter(is_active=True, is_staff=True)
    notify(
        Kind.DELIVERY_FAILED,
        admins,
        params={"what": "email", "hours": settings.PARCOURS_OUTBOX_RETRY_HOURS},
        link="/admin/notify/message/?status__exact=failed",
        key=f"delivery-failed:email:{timezone.localdate(now).isoformat()}",
    )


class Sender(threading.Thread):
    """Beside the worker's task loop: every ``interval`` seconds, sends what is due."""

    def __init__(self, worker: str, interval: float = 5):
        super().__init__(name="parcours-outbox", daemon=True)
        self.worker, self.interval = worker, interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                counts = deliver_due(self.worker)
                if any(counts.values()):
                    logger.info("Outbox: %s", counts)
            except Exception:
                logger.exception("The outbox could not be read")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)

"""What the worker does every day on its own (PARCOURS_DAILY): age bands, retention, a backup.

Each entry runs once a day, at or after its time (local time), as a job of its own: however many
workers run, one of them makes the day's job (a unique day per kind decides) and one runs it. A
worker started after the hour catches up on the day's run, as a persistent timer would.
"""

import datetime
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from parcours.jobs.models import Job

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Daily:
    kind: str
    task: str  # the dotted path of a task made with parcours.jobs.services.background
    at: datetime.time
    title: str


def entries() -> list[Daily]:
    """PARCOURS_DAILY's entries that are switched on (an empty time switches one off)."""
    made = []
    for kind, (task, at, title) in settings.PARCOURS_DAILY.items():
        if at:
            made.append(Daily(kind, task, datetime.time.fromisoformat(at), title))
    return made


def enqueue_due(now: datetime.datetime | None = None) -> list[Job]:
    """Queue each daily run whose time has come today and that no worker queued yet."""
    now = timezone.localtime(now)
    queued = []
    for entry in entries():
        if now.time() < entry.at:
            continue
        day = now.date()
        if Job.objects.filter(kind=entry.kind, scheduled_for=day).exists():
            continue
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=entry.kind,
                    title=f"{entry.title} {day.isoformat()}",
                    exclusive_key=f"daily:{entry.kind}",
                    scheduled_for=day,
                    language=settings.LANGUAGE_CODE,
                    page="parcours.worker",
                )
                import_string(entry.task).enqueue(str(job.pk))
        except IntegrityError:  # another worker queued it first, or yesterday's still runs
            continue
        queued.append(job)
    return queued


class Scheduler(threading.Thread):
    """Looks, every ``interval`` seconds, for daily work that is due."""

    def __init__(self, interval: float = 30):
        super().__init__(name="parcours-daily", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                for job in enqueue_due():
                    logger.info("Queued the daily %s (job %s)", job.kind, job.pk)
            except Exception:
                logger.exception("The daily schedule could not be read")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)


class Heartbeat(threading.Thread):
    """Says every PARCOURS_WORKER_BEAT_SECONDS that this worker is alive, and fails the jobs of
    workers that were killed outright (parcours.jobs.services.reap)."""

    def __init__(self, name: str):
        super().__init__(name="parcours-heartbeat", daemon=True)
        self.worker = name
        self.stopping = threading.Event()

    def run(self) -> None:
        from parcours.jobs.services import BEAT_EVERY, beat, reap

        while not self.stopping.is_set():
            try:
                beat(self.worker)
                reaped = reap()
                if reaped:
                    logger.warning("%s job(s) of a stopped worker marked failed", reaped)
            except Exception:
                logger.exception("The worker could not say it is alive")
            finally:
                close_old_connections()
            self.stopping.wait(BEAT_EVERY.total_seconds())


class ProviderRecheck(threading.Thread):
    """Asks the organisation's identity provider, every minute, about the accounts whose
    last check is PARCOURS_OIDC_RECHECK_MINUTES old (parcours.sso.services.recheck_due)."""

    def __init__(self, interval: float = 60):
        super().__init__(name="parcours-sso-recheck", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        from parcours.sso import provider
        from parcours.sso.services import recheck_due

        while not self.stopping.is_set():
            try:
                if provider.configured():
                    recheck_due()
            except Exception:
                logger.exception("The single sign-on re-check failed")
            finally:
                close_old_connections()
            self.stopping.wait(self.interval)

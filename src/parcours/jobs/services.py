"""Asking for long work, running it once in a worker, and handing its result back.

A page calls ``start`` with a task made by ``@background``; the worker (``parcours worker``)
runs the task, which claims its job (so a task delivered twice runs once), reports progress,
and ends with an ``Outcome`` (summary lines, perhaps a file) or a ``JobFailed`` naming what to
correct. Progress is written to the job's row between steps; work inside one transaction
reports its step before it starts, since what a transaction writes is seen only at its end.
"""

import datetime
import functools
import logging
import os
import socket
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from parcours.jobs.models import Job, JobStatus, WorkerBeat
from parcours.notify.models import Kind
from parcours.notify.services import notify
from parcours.privacy import files
from parcours.privacy.audit import Actor

logger = logging.getLogger(__name__)

# A worker says it is alive this often; one silent for SILENT_FOR is taken as gone (a machine
# lost). On the worker's own machine a process that no longer exists is known gone at once.
BEAT_EVERY = datetime.timedelta(seconds=settings.PARCOURS_WORKER_BEAT_SECONDS)
SILENT_FOR = 6 * BEAT_EVERY
# The name this process runs jobs under (set by parcours worker; host and process otherwise).
WORKER = {"name": f"{socket.gethostname()}-{os.getpid()}"[:64]}


class JobFailed(Exception):
    """Work that stops for a reason the person can act on; the lines say which."""

    def __init__(self, lines):
        super().__init__("; ".join(lines))
        self.lines = list(lines)


@dataclass
class Outcome:
    lines: list[str] = field(default_factory=list)
    data: bytes | None = None
    name: str = ""
    content_type: str = ""


class Progress:
    """How far a job got, written at most twice a second (and always at the end of a step)."""

    def __init__(self, job: Job):
        self.job = job
        self.written = 0.0

    def __call__(self, step: str, done: int = 0, total: int | None = None) -> None:
        now = time.monotonic()
        if step == self.job.step and now - self.written < 0.5 and (total is None or done < total):
            return
        self.written = now
        self.job.step, self.job.done, self.job.total = step, done, total
        Job.objects.filter(pk=self.job.pk).update(
            step=step[:100], done=done, total=total, updated_at=timezone.now()
        )


def actor(job: Job) -> Actor:
    """The person who asked, as the audit log names them, from the page they asked on."""
    return Actor(user=job.requested_by, ip_address=job.ip_address, page=job.page)


def start(
    request, work, *, kind: str, title: str, key: str, project=None, params=None, upload=None
) -> tuple[Job, bool]:
    """Queue ``work`` for the person asking. A live job with the same key is returned instead
    of a second one (and ``False``): it may be someone else's, which the caller must not show.
    """
    prune()
    live = Job.objects.live().filter(exclusive_key=key).first()
    if live is not None:
        return live, False
    acting = Actor.from_request(request)
    sealed = files.store(upload) if upload is not None else ""
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                title=title[:200],
                requested_by=request.user,
                project=project,
                exclusive_key=key,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                ip_address=acting.ip_address,
                page=acting.page[:100],
                params=params or {},
                input_key=sealed,
            )
            # The queue is a table of the same database: the task commits with its job.
            work.enqueue(str(job.pk))
    except IntegrityError:  # the same work asked for at the same moment
        if sealed:
            files.delete(sealed)
        return Job.objects.live().get(exclusive_key=key), False
    return job, True


def background(body):
    """Make ``body(job, progress) -> Outcome`` a task that runs a job once, in its asker's
    language, and records how it ended whatever happens inside."""

    @functools.wraps(body)
    def run(job_id: str) -> str:
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            updated_at=timezone.now(),
            worker=WORKER["name"],
        )
        if not claimed:
            return "not queued"  # run already, or running in another worker
        job = Job.objects.select_related("requested_by", "project").get(pk=job_id)
        with translation.override(job.language):
            try:
                outcome = body(job, Progress(job))
            except JobFailed as failure:
                _end(job, JobStatus.FAILED, failure.lines)
            except Exception:
                logger.exception("Job %s (%s) stopped on an error", job.pk, job.kind)
                _end(job, JobStatus.FAILED, [unexpected(job)])
            else:
                _end(job, JobStatus.DONE, outcome.lines, outcome)
        return job.status

    return task()(run)


def unexpected(job: Job) -> str:
    return _(
        "The work stopped on an unexpected error and changed nothing. The server's log says "
        "where (job %(job)s)."
    ) % {"job": job.pk}


def _end(job: Job, status: str, lines: list[str], outcome: Outcome | None = None) -> None:
    if job.input_key:
        files.delete(job.input_key)
        job.input_key = ""
    if outcome is not None and outcome.data is not None:
        job.result_key = files.store(outcome.data)
        job.result_name, job.result_type = outcome.name, outcome.content_type
    job.status, job.lines, job.finished_at = status, [str(line) for line in lines], timezone.now()
    with transaction.atomic():
        job.save()
        if job.requested_by_id is not None:  # the daily work has nobody to tell
            notify(
                Kind.JOB_ENDED,
                [job.requested_by],
                project=job.project,
                params={"job_kind": job.kind, "status": status},
                link=reverse("jobs:job", args=[job.pk]),
            )
    if job.scheduled_for and status == JobStatus.FAILED:  # nobody watches its page: the log
        logger.error("The daily %s failed: %s", job.kind, " ".join(job.lines))


def upload(job: Job) -> bytes:
    return files.load(job.input_key)


def result(job: Job) -> bytes:
    return files.load(job.result_key)


def prune() -> None:
    """Forget ended jobs after PARCOURS_JOB_KEEP_DAYS, with their files, and fail the running
    ones whose worker is gone, so their key frees up."""
    for job in Job.objects.expired().only("pk", "input_key", "result_key"):
        for key in (job.input_key, job.result_key):
            if key:
                files.delete(key)
        job.delete()
    reap()


def beat(name: str) -> None:
    """This worker is alive (parcours worker, every BEAT_EVERY)."""
    WorkerBeat.objects.update_or_create(
        name=name[:64],
        defaults={"host": socket.gethostname(), "pid": os.getpid(), "beat_at": timezone.now()},
    )


def _gone(name: str, beats: dict, now) -> bool:
    beat = beats.get(name)
    if beat is None:
        return False  # a worker from before this release, or one that never beat: not judged
    if beat.host == socket.gethostname():
        try:
            os.kill(beat.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # a process of another user holds that number now: judged by the beat
    return beat.beat_at < now - SILENT_FOR


def reap() -> int:
    """Fail the running jobs of workers killed outright (SIGKILL, a machine lost): what they
    held is marked failed with a message the person can act on; returns how many."""
    now = timezone.now()
    running = list(Job.objects.filter(status=JobStatus.RUNNING).exclude(worker=""))
    if not running:
        return 0
    beats = {b.name: b for b in WorkerBeat.objects.filter(name__in={j.worker for j in running})}
    failed = 0
    for job in running:
        if not _gone(job.worker, beats, now):
            continue
        with translation.override(job.language):
            message = _("The worker running it stopped. Nothing of it was kept: ask for it again.")
        # Only if it is still running under that worker: it may have just ended on its own.
        if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker).exists():
            _end(job, JobStatus.FAILED, [message])
            failed += 1
    WorkerBeat.objects.filter(beat_at__lt=now - datetime.timedelta(days=1)).delete()
    return failed

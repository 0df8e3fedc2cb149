"""The worker runs a job once, reports its progress where the page reads it, survives a failure
with a message, and hands the result to the person who asked, to nobody else."""

import datetime

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from parcours.jobs import services
from parcours.jobs.models import Job, JobStatus, WorkerBeat
from parcours.privacy import files
from parcours.privacy.models import AuditEvent
from tests.jobs.tasks import counting, crashing, refusing

# The worker opens and closes its own database connections, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _asked(user, work, key="k", project=None, upload=None):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
    request.user = user
    params = {"projects": [project.pk] if project else []}
    return services.start(
        request,
        work,
        kind="test",
        title="A test",
        key=key,
        project=project,
        params=params,
        upload=upload,
    )


def run_worker():
    call_command("worker", batch=True, verbosity=0)


def test_a_job_runs_in_the_worker_and_reports_progress(coordinator, project):
    job, created = _asked(coordinator, counting, project=project, upload=b"the upload")
    assert created and job.status == JobStatus.QUEUED and files.load(job.input_key)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    # Written at most twice a second, and always when a step is complete.
    assert job.lines == ["Counting 1/3 33%", "Counting 1/3 33%", "Counting 3/3 100%"]
    assert services.result(job) == b"one,two\n"
    with pytest.raises(FileNotFoundError):  # the upload is gone once the job has ended
        files.load(job.input_key or "0" * 48)
    assert job.started_at <= job.finished_at


def test_the_same_work_asked_twice_while_live_is_one_job_and_runs_once(coordinator, project):
    first, created = _asked(coordinator, counting, key="same")
    again, created_again = _asked(coordinator, counting, key="same")
    assert created and not created_again and again.pk == first.pk
    assert counting.call(str(first.pk)) == JobStatus.DONE
    assert counting.call(str(first.pk)) == "not queued"  # a task delivered twice
    assert Job.objects.count() == 1
    later, created_later = _asked(coordinator, counting, key="same")  # ended: a new one
    assert created_later and later.pk != first.pk


def test_a_crash_fails_the_job_with_a_message_and_the_worker_goes_on(coordinator, project):
    crashed, _ = _asked(coordinator, crashing, key="a")
    refused, _ = _asked(coordinator, refusing, key="b")
    after, _ = _asked(coordinator, counting, key="c")
    run_worker()
    crashed.refresh_from_db()
    refused.refresh_from_db()
    after.refresh_from_db()
    assert crashed.status == JobStatus.FAILED and "unexpected error" in crashed.lines[0]
    assert "/srv/secret" not in crashed.lines[0]  # the log has the detail, not the page
    assert refused.status == JobStatus.FAILED
    assert refused.lines == ["row 3, column p02_age, 'x': not a whole number"]
    assert after.status == JobStatus.DONE


def test_the_job_page_follows_the_job_and_only_for_its_asker(
    coordinator, colleague, project, login
):
    job, _ = _asked(coordinator, counting, project=project)
    mine = login(coordinator)
    page = mine.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "Waiting for its turn" in page and 'hx-trigger="every 1s"' in page
    run_worker()
    status = mine.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "Done" in status and "hx-trigger" not in status  # no more polling
    assert "Counting 3/3 100%" in status
    download = mine.get(reverse("jobs:download", args=[job.pk]))
    assert download.getvalue() == b"one,two\n"
    assert 'filename="counted.csv"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(user=coordinator, action="export").count() == 1
    other = login(colleague)
    for name in ("jobs:job", "jobs:status", "jobs:download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.title not in other.get(reverse("jobs:list")).content.decode()
    assert job.title in mine.get(reverse("jobs:list")).content.decode()


def test_a_file_is_not_handed_out_once_its_asker_left_the_project(coordinator, project, login):
    job, _ = _asked(coordinator, counting, project=project)
    run_worker()
    coordinator.memberships.all().delete()
    assert login(coordinator).get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_ended_jobs_are_forgotten_with_their_files_and_silent_ones_fail(coordinator, settings):
    old, _ = _asked(coordinator, counting, key="old")
    run_worker()
    old.refresh_from_db()
    result_key = old.result_key
    stuck, _ = _asked(coordinator, counting, key="stuck")
    long_ago = timezone.now() - datetime.timedelta(days=settings.PARCOURS_JOB_KEEP_DAYS + 1)
    Job.objects.filter(pk=old.pk).update(created_at=long_ago)
    busy, _ = _asked(coordinator, counting, key="busy")
    # A worker on another machine fell silent (a machine lost); another one still beats.
    now = timezone.now()
    WorkerBeat.objects.create(name="lost", host="elsewhere", pid=1, beat_at=long_ago)
    WorkerBeat.objects.create(name="alive", host="elsewhere", pid=2, beat_at=now)
    Job.objects.filter(pk=stuck.pk).update(status=JobStatus.RUNNING, worker="lost")
    Job.objects.filter(pk=busy.pk).update(status=JobStatus.RUNNING, worker="alive")
    services.prune()
    assert not Job.objects.filter(pk=old.pk).exists()
    with pytest.raises(FileNotFoundError):
        files.load(result_key)
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "worker running it stopped" in stuck.lines[0]
    busy.refresh_from_db()
    assert busy.status == JobStatus.RUNNING

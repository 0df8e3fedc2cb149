"""The worker's daily work: each entry of PARCOURS_DAILY is queued once a day at or after its
time, whatever the number of workers, and runs as `parcours backup` and `apply-retention` do."""

import datetime
import os
import zoneinfo

import pytest
from django.core.management import call_command

from parcours.backups import sealing
from parcours.cases.models import Family
from parcours.jobs.daily import enqueue_due
from parcours.jobs.models import Job, JobStatus
from tests.jobs.test_worker import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def daily(settings, tmp_path):
    settings.PARCOURS_BACKUP_KEY = sealing.new_identity()[0]
    settings.LANGUAGE_CODE = "en"  # the daily jobs speak the site's language
    settings.PARCOURS_FILE_ROOT = tmp_path / "files"
    settings.PARCOURS_BACKUP_DIR = str(tmp_path / "backups")
    settings.PARCOURS_DAILY = {
        "backups.backup": ("parcours.backups.jobs.nightly_backup", "02:15", "Backup"),
        "rights.retention": ("parcours.rights.jobs.apply_retention", "03:00", "Retention"),
    }
    return tmp_path / "backups"


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 6, day, hour, minute, tzinfo=BRUSSELS)


def test_each_daily_entry_is_queued_once_a_day_at_or_after_its_time(daily, db):
    assert enqueue_due(_at(15, 2, 0)) == []
    assert [j.kind for j in enqueue_due(_at(15, 2, 20))] == ["backups.backup"]
    assert [j.kind for j in enqueue_due(_at(15, 9, 0))] == ["rights.retention"]  # caught up
    assert enqueue_due(_at(15, 23, 0)) == []  # a second worker, later that day: nothing
    assert Job.objects.filter(scheduled_for=datetime.date(2026, 6, 15)).count() == 2
    # Yesterday's backup still running: today's waits for it instead of running beside it.
    assert [j.kind for j in enqueue_due(_at(16, 4, 0))] == []
    call_command("worker", batch=True, verbosity=0)
    assert {j.kind for j in enqueue_due(_at(16, 4, 0))} == {"backups.backup", "rights.retention"}


def test_the_nightly_backup_writes_an_archive_and_drops_the_old_ones(daily, make_family, clock):
    daily.mkdir()
    old = daily / "2026-04-01-0215.parcours-backup"
    old.write_bytes(b"sealed")
    month_ago = (clock - datetime.timedelta(days=60)).timestamp()
    os.utime(old, (month_ago, month_ago))
    closed = make_family("closed")
    Family.objects.filter(pk=closed.pk).update(closed_on=datetime.date(2020, 5, 1))
    enqueue_due(_at(15, 9, 0))
    run_worker()
    backup = Job.objects.get(kind="backups.backup")
    assert backup.status == JobStatus.DONE, backup.lines
    archives = sorted(p.name for p in daily.iterdir())
    assert archives == ["2026-06-15-1000.parcours-backup"] and "1 archive(s)" in backup.lines[1]
    retention = Job.objects.get(kind="rights.retention")
    assert retention.status == JobStatus.DONE
    assert retention.lines[0] == "1 file(s) erased past their retention period."
    assert Family.objects.get(pk=closed.pk).erased_at is not None


def test_a_failed_nightly_backup_says_why(daily, settings, caplog):
    settings.PARCOURS_BACKUP_KEY = "not a key"
    enqueue_due(_at(15, 2, 30))
    run_worker()
    job = Job.objects.get(kind="backups.backup")
    assert job.status == JobStatus.FAILED and "PARCOURS_BACKUP_KEY" in job.lines[0]
    assert "The daily backups.backup failed" in caplog.text

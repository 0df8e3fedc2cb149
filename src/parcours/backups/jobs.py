"""The nightly backup, run by the worker (PARCOURS_DAILY): an archive as `parcours backup`
writes it, into PARCOURS_BACKUP_DIR, and the archives there past PARCOURS_BACKUP_KEEP_DAYS go."""

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.backups import archive
from parcours.backups.sealing import BackupError
from parcours.jobs.services import JobFailed, Outcome, background

SUFFIX = ".parcours-backup"


@background
def nightly_backup(job, progress) -> Outcome:
    folder = Path(settings.PARCOURS_BACKUP_DIR)
    progress(_("Writing the archive"))
    name = timezone.localtime().strftime("%Y-%m-%d-%H%M") + SUFFIX
    try:
        made = archive.create(folder / name)
    except BackupError as error:
        raise JobFailed([str(error)]) from None
    cutoff = timezone.now() - datetime.timedelta(days=settings.PARCOURS_BACKUP_KEEP_DAYS)
    old = [
        path
        for path in folder.glob("*" + SUFFIX)
        if path != made.path and path.stat().st_mtime < cutoff.timestamp()
    ]
    for path in old:
        path.unlink()
    return Outcome(
        lines=[
            f"{made.path} ({made.path.stat().st_size:,} bytes), SHA-256 {made.sha256}",
            _("%(n)s archive(s) older than %(days)s days deleted.")
            % {"n": len(old), "days": settings.PARCOURS_BACKUP_KEEP_DAYS},
        ]
    )

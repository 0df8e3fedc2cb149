"""Retention, run by the worker every day (PARCOURS_DAILY), as `parcours apply-retention`."""

from django.utils.translation import gettext as _

from parcours.jobs.services import Outcome, background
from parcours.rights import retention


@background
def apply_retention(job, progress) -> Outcome:
    progress(_("Erasing the files past their retention period"))
    erased = retention.apply()
    return Outcome(
        lines=[
            _("%(n)s file(s) erased past their retention period.") % {"n": len(erased)},
            *(f"{e.family.project.slug}: {e.family.case_number or e.family.pk}" for e in erased),
        ]
    )

"""The instruments' long work, run by the worker: imports of many sheets."""

from django.utils.translation import gettext as _

from parcours.accounts.models import Role
from parcours.jobs.services import JobFailed, Outcome, actor, background, upload
from parcours.spreadsheets import SpreadsheetError


@background
def import_sheets(job, progress) -> Outcome:
    """A file of sheets, checked whole, then stored in one transaction: all or nothing."""
    from parcours.instruments.transfer import TransferError, import_responses, summary

    if not job.requested_by.has_role(Role.COORDINATOR, job.project_id):
        raise JobFailed([_("You no longer coordinate this project; nothing was imported.")])
    params = job.params
    try:
        result = import_responses(
            actor(job),
            params["instrument"],
            job.project,
            params["name"],
            upload(job),
            skip_unmatched=params["skip_unmatched"],
            progress=progress,
        )
    except SpreadsheetError as error:
        raise JobFailed([str(error)]) from None
    except TransferError as error:
        raise JobFailed(error.errors) from None
    return Outcome(lines=summary(result))

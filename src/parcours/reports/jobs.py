"""The reports' long work, run by the worker: report files and sheet exports of large cohorts.

Each job checks again, as it starts, that its asker may still read what it makes.
"""

import tempfile

from django.http import QueryDict
from django.utils.translation import gettext as _

from parcours.downloads import file_name
from parcours.instruments.transfer import export_rows
from parcours.jobs.services import JobFailed, Outcome, actor, background
from parcours.privacy.audit import record_listed_by
from parcours.progress import counted
from parcours.reports.forms import ReportForm, reportable_projects
from parcours.reports.readers import report_file_name, report_for, report_title
from parcours.reports.render import FORMATS, produce
from parcours.spreadsheets import stream_table


@background
def report_file(job, progress) -> Outcome:
    form = ReportForm(QueryDict(job.params["query"]), user=job.requested_by)
    if not form.is_valid():
        raise JobFailed([_("You may no longer read the report of these projects.")])
    progress(_("Counting the cohort"))
    cohort = form.cohort()
    result, shown = report_for(cohort, job.requested_by)
    record_listed_by(actor(job), shown)
    progress(_("Writing the file"))
    fmt = job.params["format"]
    content_type, extension = FORMATS[fmt]
    data = produce(result, fmt, report_title(cohort.projects), job.language[:2])
    name = report_file_name(cohort, extension)
    return Outcome(data=data, name=name, content_type=content_type)


@background
def sheets_file(job, progress) -> Outcome:
    """One project's sheets of one instrument, pseudonymised, written as they are read."""
    project = reportable_projects(job.requested_by).filter(pk=job.project_id).first()
    if project is None:
        raise JobFailed([_("You may no longer read this project's evaluation data.")])
    instrument, fmt = job.params["instrument"], job.params["format"]
    header, rows = export_rows(instrument, project, pseudonymise=True)
    rows = counted(rows, progress, _("Writing the sheets"), job.params.get("sheets"))
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        stream_table(fmt, header, rows, spool)
        spool.seek(0)
        data = spool.read()
    content_type, extension = FORMATS[fmt]
    name = file_name(project.name, instrument, extension=extension)
    return Outcome(data=data, name=name, content_type=content_type)

"""Network pooling's long work, run by the worker: a member's signed export, and the loading
of members' files into a network project. Each checks again that its asker may do it."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.accounts.models import Role
from parcours.jobs.services import JobFailed, Outcome, actor, background, upload
from parcours.network.pooling import EvaluationFileError, dump, export_dataset, import_datasets
from parcours.network.uploads import unpack


@background
def export_file(job, progress) -> Outcome:
    if not job.requested_by.has_role(Role.COORDINATOR, job.project_id):
        raise JobFailed([_("You no longer coordinate this project; nothing was exported.")])
    progress(_("Gathering the families"))
    try:
        document = export_dataset(actor(job), job.project)
    except (EvaluationFileError, ImproperlyConfigured) as error:
        raise JobFailed([str(error)]) from None
    payload = document["payload"]
    families = len(payload["families"])
    return Outcome(
        lines=[
            ngettext(
                "%(n)s family, signed for the network.",
                "%(n)s families, signed for the network.",
                families,
            )
            % {"n": families}
        ],
        data=dump(document),
        name=f"{job.project.slug}-{payload['exported_at'][:10]}.json",
        content_type="application/json",
    )


@background
def import_files(job, progress) -> Outcome:
    if not job.requested_by.has_role(Role.COORDINATOR, job.project_id):
        raise JobFailed([_("You no longer coordinate this network project; nothing changed.")])
    progress(_("Checking the signatures and the codes"))
    try:
        loaded = import_datasets(actor(job), job.project, unpack(upload(job)))
    except EvaluationFileError as error:
        raise JobFailed([_("Nothing was imported:"), *error.errors]) from None
    except ImproperlyConfigured as error:
        raise JobFailed([str(error)]) from None
    return Outcome(
        lines=[
            (
                _("%(source)s: %(families)s families, %(sheets)s sheets (replaced).")
                if item.replaced
                else _("%(source)s: %(families)s families, %(sheets)s sheets (added).")
            )
            % {"source": item.source, "families": item.families, "sheets": item.sheets}
            for item in loaded
        ]
    )

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from parcours.cases import tallies
from parcours.database import refresh_statistics
from parcours.instruments.management.commands._instrument import add_instrument
from parcours.instruments.transfer import GROWN, TransferError, import_responses, summary
from parcours.privacy.audit import Actor
from parcours.progress import TerminalProgress
from parcours.projects.commandline import author_or_error, project_or_error
from parcours.spreadsheets import SpreadsheetError, read_file


def console_language() -> str:
    """English, unless LANGUAGE names one of the site's languages."""
    wanted = os.environ.get("LANGUAGE", "").split(":")[0].split("_")[0].lower()
    return wanted if wanted in dict(settings.LANGUAGES) else "en"


class Command(BaseCommand):
    help = (
        "Import submitted sheets from a CSV, XLSX or ODK Central .csv.zip file: ours, or a "
        "KoboToolbox or ODK Central export of the same XLSForm with XML values and headers "
        "(group paths, split several-choice columns and metadata understood). Each sheet is "
        "dated when it was submitted; rejected or not-approved submissions are skipped; a "
        "submission already here changes nothing and an edited one corrects it. All or nothing, "
        "every bad cell named; --skip-unmatched imports the rows whose case is known and lists "
        "the rest. Messages in English unless LANGUAGE says nl or fr."
    )
    # The site's checks are run when it starts (serve, migrate, check): an import of a
    # backlog, run file after file, does not pay their half second each time.
    requires_system_checks = []

    def add_arguments(self, parser):
        add_instrument(parser)
        parser.add_argument("--project", required=True)
        parser.add_argument("--as-user", default="", help="recorded as the author (username)")
        parser.add_argument(
            "--skip-unmatched",
            action="store_true",
            help="import the rows whose case is known; list the others",
        )
        parser.add_argument("file")

    def handle(self, *args, instrument, project, file, as_user, skip_unmatched, **options):
        with translation.override(console_language()):
            project_obj = project_or_error(project)
            path = Path(file)
            if not path.is_file():
                raise CommandError(_("%(file)s: no such file") % {"file": file})
            user = author_or_error(project_obj, as_user)
            progress = TerminalProgress()
            try:
                result = import_responses(
                    Actor(user),
                    instrument,
                    project_obj,
                    path.name,
                    read_file(path),
                    skip_unmatched=skip_unmatched,
                    progress=progress,
                )
            except SpreadsheetError as error:
                progress.end()
                message = _("nothing was imported: %(error)s") % {"error": error}
                raise CommandError(message) from None
            except TransferError as error:
                progress.end()
                raise CommandError(
                    _("nothing was imported:") + "\n  " + "\n  ".join(error.errors)
                ) from None
            progress.end()
            tallies.fold()  # the import's signed rows, one row per value for the dashboard
            refresh_statistics(tables=GROWN)
            for line in summary(result):
                self.stdout.write(line)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.cases import tallies
from parcours.cases.importing import GROWN, CaseImportError, import_cases
from parcours.database import refresh_statistics
from parcours.privacy.audit import Actor
from parcours.progress import TerminalProgress
from parcours.projects.commandline import author_or_error, project_or_error
from parcours.spreadsheets import SpreadsheetError, read_file


class Command(BaseCommand):
    help = (
        "Create families from a CSV or XLSX file, one row per person (see docs/operators.md "
        "for the columns). All or nothing; a case number already in the project is left as it "
        "is, so the same file can be imported twice."
    )
    # The site's checks are run when it starts (serve, migrate, check): an import of a
    # backlog, run file after file, does not pay their half second each time.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True)
        parser.add_argument("--as-user", default="", help="recorded as the author (username)")
        parser.add_argument("file")

    def handle(self, *args, project, file, as_user, **options):
        project_obj = project_or_error(project)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        user = author_or_error(project_obj, as_user)
        try:
            result = import_cases(
                Actor(user), project_obj, path.name, read_file(path), TerminalProgress()
            )
        except (CaseImportError, SpreadsheetError) as error:
            errors = getattr(error, "errors", [str(error)])
            raise CommandError("nothing was imported:\n  " + "\n  ".join(errors)) from None
        tallies.fold()  # the import's signed rows, one row per value for the dashboard
        refresh_statistics(tables=GROWN)
        created, kept = result.created, result.kept
        self.stdout.write(
            f"Created {created} famil{'y' if created == 1 else 'ies'}; "
            f"{kept} already there, unchanged."
        )
        if result.possible_duplicates:
            self.stdout.write(
                f"{result.possible_duplicates} possible earlier file(s) to check: "
                "Cases \u2192 Possible earlier files."
            )

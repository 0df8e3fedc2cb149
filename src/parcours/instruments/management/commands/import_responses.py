from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.instruments.management.commands._instrument import add_instrument
from parcours.instruments.transfer import TransferError, import_responses
from parcours.privacy.audit import Actor
from parcours.projects.commandline import author_or_error, project_or_error
from parcours.spreadsheets import SpreadsheetError, read_file


class Command(BaseCommand):
    help = (
        "Import submitted sheets from a CSV or XLSX file (ours, or a KoboToolbox or ODK export "
        "of the same XLSForm): a 'case' column, then one column per question code. All or "
        "nothing; every bad cell is named. Importing the same file twice adds nothing."
    )

    def add_arguments(self, parser):
        add_instrument(parser)
        parser.add_argument("--project", required=True)
        parser.add_argument("--as-user", default="", help="recorded as the author (username)")
        parser.add_argument("file")

    def handle(self, *args, instrument, project, file, as_user, **options):
        project_obj = project_or_error(project)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        user = author_or_error(project_obj, as_user)
        try:
            result = import_responses(
                Actor(user), instrument, project_obj, path.name, read_file(path)
            )
        except SpreadsheetError as error:
            raise CommandError(f"nothing was imported: {error}") from None
        except TransferError as error:
            raise CommandError("nothing was imported:\n  " + "\n  ".join(error.errors)) from None
        self.stdout.write(
            f"Imported {result.created} sheet(s); {result.unchanged} already there, unchanged."
        )

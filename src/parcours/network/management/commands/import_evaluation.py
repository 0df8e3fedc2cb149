from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from parcours.network.pooling import EvaluationFileError, import_datasets
from parcours.privacy.audit import Actor
from parcours.projects.commandline import author_or_error, project_or_error
from parcours.spreadsheets import SpreadsheetError, read_file


class Command(BaseCommand):
    help = (
        "Load signed evaluation exports of member projects into a network project (made with "
        "create-project --network). Every file is checked first: a file changed after export, "
        "or signed with another key, is refused and nothing is imported. A newer export of "
        "the same project replaces the older one. Example: parcours import-evaluation "
        "--into network pt-2026.json lyon-2026.json"
    )

    def add_arguments(self, parser):
        parser.add_argument("--into", required=True, help="the network project's slug")
        parser.add_argument("--as-user", default="", help="recorded as the importer")
        parser.add_argument("files", nargs="+")

    def handle(self, *args, into, as_user, files, **options):
        project = project_or_error(into, "--into")
        missing = [f for f in files if not Path(f).is_file()]
        if missing:
            raise CommandError(f"{', '.join(missing)}: no such file")
        try:
            datasets = [(Path(f).name, read_file(Path(f))) for f in files]
        except SpreadsheetError as error:
            raise CommandError(f"nothing was imported: {error}") from None
        user = author_or_error(project, as_user, "--into")
        try:
            loaded = import_datasets(Actor(user), project, datasets)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        except EvaluationFileError as error:
            raise CommandError("nothing was imported:\n  " + "\n  ".join(error.errors)) from None
        for item in loaded:
            verb = "replaced" if item.replaced else "added"
            self.stdout.write(
                f"{item.source}: {item.families} families, {item.sheets} sheets ({verb})."
            )

from django.core.management.base import BaseCommand

from parcours.instruments.management.commands._instrument import add_instrument, output_or_error
from parcours.instruments.models import Response, ResponseStatus
from parcours.instruments.transfer import export_rows
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction
from parcours.progress import TerminalProgress, counted
from parcours.projects.commandline import project_or_error
from parcours.spreadsheets import write_table


class Command(BaseCommand):
    help = (
        "Export the submitted sheets of a project as CSV or XLSX (by the file's extension). "
        "--pseudonymise replaces case numbers by keyed pseudonyms and leaves out free text."
    )

    def add_arguments(self, parser):
        add_instrument(parser)
        parser.add_argument("--project", required=True)
        parser.add_argument("--pseudonymise", action="store_true")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, instrument, project, pseudonymise, output, **options):
        project_obj = project_or_error(project)
        path = output_or_error(output)
        header, rows = export_rows(instrument, project_obj, pseudonymise=pseudonymise)
        total = Response.objects.filter(
            family__project=project_obj, instrument=instrument, status=ResponseStatus.SUBMITTED
        ).count()
        count = write_table(path, header, counted(rows, TerminalProgress(), "Sheets", total))
        record(Actor(None), AuditAction.EXPORT, project_obj)  # by an operator at the console
        self.stdout.write(f"Wrote {count} sheet(s) to {path}.")

from django.core.management.base import BaseCommand, CommandError

from parcours.instruments.management.commands._instrument import add_instrument
from parcours.instruments.transfer import template
from parcours.spreadsheets import write_table


class Command(BaseCommand):
    help = (
        "Write an empty spreadsheet for an instrument: a header row of question codes, a row "
        "of labels, and the choice lists. Example: parcours export-template --instrument "
        "client_summary_sheet -o css.xlsx"
    )

    def add_arguments(self, parser):
        add_instrument(parser)
        parser.add_argument("-o", "--output", required=True, help="an .xlsx file")
        parser.add_argument("--language", default="en", choices=["nl", "fr", "en"])

    def handle(self, *args, instrument, output, language, **options):
        from pathlib import Path

        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"-o {output!r}: the template is an .xlsx file")
        header, rows, sheets = template(instrument, language)
        write_table(path, header, rows, sheets)
        self.stdout.write(f"Wrote {path} ({len(header) - 1} questions).")

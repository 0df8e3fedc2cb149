from django.core.management.base import BaseCommand
from django.utils import translation

from parcours.privacy import register
from parcours.spreadsheets import TableWriter


class Command(BaseCommand):
    help = (
        "Print the register of the fields that hold personal data: model, field, category, "
        "purpose and whether it is encrypted. Built from the code. Example: "
        "parcours privacy-register --format csv --language fr > register.csv"
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["markdown", "csv"], default="markdown")
        parser.add_argument("--language", choices=["nl", "fr", "en"], default="en")

    def handle(self, *args, format, language, **options):
        with translation.override(language):
            rows = [
                [
                    e.model,
                    e.field,
                    e.verbose_name,
                    e.category,
                    e.purpose,
                    "yes" if e.encrypted else f"no: {register.PLAIN_BECAUSE.get(e.label, '')}",
                ]
                for e in register.entries()
            ]
        header = ["model", "field", "name", "category", "purpose", "encrypted"]
        if format == "csv":
            writer = TableWriter("csv")
            writer.sheet("register", [header, *rows])
            self.stdout.write(writer.to_bytes().decode(), ending="")
            return
        self.stdout.write("| " + " | ".join(header) + " |")
        self.stdout.write("|" + " --- |" * len(header))
        for row in rows:
            self.stdout.write("| " + " | ".join(str(c).replace("|", "/") for c in row) + " |")

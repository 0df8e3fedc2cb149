from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from parcours.privacy import register
from parcours.spreadsheets import TableWriter


class Command(BaseCommand):
    help = (
        "Print the register of processing (GDPR art. 30), built from the code: categories of "
        "data with their purposes, recipients, retention, security measures, and every field "
        "that holds personal data (model, field, category, purpose, encrypted). --format csv "
        "prints the fields only. Example: parcours privacy-register --language fr > register.md"
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["markdown", "csv"], default="markdown")
        parser.add_argument("--language", choices=["nl", "fr", "en"], default="en")

    def handle(self, *args, format, language, **options):
        with translation.override(language):
            processing = register.processing_register()
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
        with translation.override(language):
            self.stdout.write(f"# {_('Register of processing')}\n")
            for title, lines in (
                (_("Recipients"), [f"{who}: {what}" for who, what in processing["recipients"]]),
                (_("Retention"), processing["retention"]),
                (_("Security measures"), processing["security"]),
            ):
                self.stdout.write(f"## {title}\n")
                for line in lines:
                    self.stdout.write(f"- {line}")
                self.stdout.write("")
            self.stdout.write(f"## {_('Categories of data and purposes')}\n")
        self.stdout.write("| " + " | ".join(header) + " |")
        self.stdout.write("|" + " --- |" * len(header))
        for row in rows:
            self.stdout.write("| " + " | ".join(str(c).replace("|", "/") for c in row) + " |")

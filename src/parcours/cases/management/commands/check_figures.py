from django.core.management.base import BaseCommand, CommandError

from parcours.cases import figures


class Command(BaseCommand):
    help = (
        "Recount the figures kept ready for the dashboard and the case list from the source "
        "rows, and name every file and column where they differ. With --fix, write the "
        "recounted figures (the differences are still listed). Exits with an error when a "
        "difference was found and not fixed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="write the recounted figures")

    def handle(self, *args, fix, **options):
        found = figures.differences()
        for line in found:
            self.stdout.write(line)
        if fix and found:
            count = figures.refresh_all()
            self.stdout.write(f"Recounted the figures of {count} file(s).")
            return
        if found:
            raise CommandError(f"{len(found)} difference(s) between the figures and the source")
        self.stdout.write("The figures agree with the source rows.")

"""parcours generate: realistic volume in a project, reproducible by seed."""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from parcours.progress import TerminalProgress
from parcours.projects.models import Project
from parcours.volume.generator import Generator, Sizes, write_files


class Command(BaseCommand):
    help = (
        "Fill a project with realistic families for trials and benchmarks: members, contacts "
        "over time, plans and actions, procedures and timeline events, documents with small "
        "sealed files, Baselines every six months and Client Summary Sheets. The same --seed "
        "gives the same data. The project (and a team that cannot sign in) is made if it does "
        "not exist. Never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", default="generated", help="the project's short name")
        parser.add_argument("--families", type=int, default=1000)
        parser.add_argument("--contacts", type=int, help="in all (default: 10 per family)")
        parser.add_argument("--sheets", type=int, help="in all (default: one per family)")
        parser.add_argument("--documents", type=int, help="in all (default: one family in ten)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", help="the day the data ends (YYYY-MM-DD; default today)")
        parser.add_argument("--batch", type=int, default=1000, help="families per transaction")
        parser.add_argument(
            "--write",
            type=Path,
            help="also write the families and sheets as import-cases and import-responses "
            "take them, into this folder",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("parcours generate makes synthetic families: not in production")
        if options["families"] < 1 or options["batch"] < 1:
            raise CommandError("--families and --batch must be at least 1")
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        if options["as_of"] and as_of is None:
            raise CommandError(f"--as-of {options['as_of']!r} is not a date (YYYY-MM-DD)")
        sizes = Sizes(
            options["families"], options["contacts"], options["sheets"], options["documents"]
        )
        started = time.monotonic()
        generator = Generator(
            options["project"], sizes, options["seed"], as_of, TerminalProgress(sys.stderr)
        )
        made = generator.run(batch=options["batch"])
        seconds = time.monotonic() - started
        summary = ", ".join(f"{count:,} {what}" for what, count in sorted(made.items()))
        self.stdout.write(f"Generated in {options['project']} in {seconds:.1f} s: {summary}.")
        if options["write"]:
            project = Project.objects.get(slug=options["project"])
            for path in write_files(project, options["write"]):
                self.stdout.write(f"Wrote {path}")

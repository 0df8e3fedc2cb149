import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from parcours.projects.models import Project
from parcours.reports.cohort import Cohort, compute
from parcours.reports.render import FORMATS, masked, produce


class Command(BaseCommand):
    help = (
        "Write the cohort evaluation report. Example: parcours report --project demo "
        "--from 2025-01-01 --format pdf -o report.pdf. --project may repeat; --outside masks "
        "counts below PARCOURS_SMALL_CELL and leaves out free text."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", action="append", required=True)
        parser.add_argument("--from", dest="start", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=datetime.date.fromisoformat)
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            choices=["active", "paused", "closed"],
            help="only families with this status now (may repeat)",
        )
        parser.add_argument("--format", required=True, choices=list(FORMATS))
        parser.add_argument("--language", default="en", choices=["nl", "fr", "en"])
        parser.add_argument("--outside", action="store_true")
        parser.add_argument("-o", "--output", required=True)

    def handle(
        self, *args, project, start, end, status, format, language, outside, output, **options
    ):
        projects = list(Project.objects.filter(slug__in=project))
        unknown = sorted(set(project) - {p.slug for p in projects})
        if unknown:
            raise CommandError(f"--project {', '.join(unknown)}: no such project")
        if start and end and end < start:
            raise CommandError("--to: the period ends before it starts")
        report = compute(Cohort(projects, start, end, status))
        if outside:
            report = masked(report, settings.PARCOURS_SMALL_CELL)
        with translation.override(language):
            title = "Cohort report · " + ", ".join(p.name for p in projects)
            Path(output).write_bytes(produce(report, format, title, language))
        self.stdout.write(
            f"Wrote {output}: {report['n_sheets']} sheets, {report['families']} families."
        )

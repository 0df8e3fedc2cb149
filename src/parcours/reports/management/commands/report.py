import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from parcours.projects.models import Project
from parcours.reports.cohort import Cohort, FreeText, compute
from parcours.reports.models import Round
from parcours.reports.render import FORMATS, masked, produce


class Command(BaseCommand):
    help = (
        "Write the cohort evaluation report. Example: parcours report --project demo "
        "--from 2025-01-01 --format pdf -o report.pdf. --project may repeat. --from/--to pick "
        "each family's latest sheet submitted in the period (and the referrals of the funnel), "
        "--round a named round instead; --admitted-from/--admitted-to and --status choose the "
        "families. --outside masks counts below PARCOURS_SMALL_CELL and leaves out free text."
    )

    def add_arguments(self, parser):
        date = datetime.date.fromisoformat
        parser.add_argument("--project", action="append", required=True)
        parser.add_argument("--from", dest="start", type=date)
        parser.add_argument("--to", dest="end", type=date)
        parser.add_argument("--round", default="", help="a named round of one of the projects")
        parser.add_argument("--admitted-from", dest="admitted_from", type=date)
        parser.add_argument("--admitted-to", dest="admitted_to", type=date)
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

    def handle(self, *args, project, start, end, language, outside, output, **options):
        projects = list(Project.objects.filter(slug__in=project))
        unknown = sorted(set(project) - {p.slug for p in projects})
        if unknown:
            raise CommandError(f"--project {', '.join(unknown)}: no such project")
        if start and end and end < start:
            raise CommandError("--to: the period ends before it starts")
        admitted_from, admitted_to = options["admitted_from"], options["admitted_to"]
        if admitted_from and admitted_to and admitted_to < admitted_from:
            raise CommandError("--admitted-to: the period ends before it starts")
        if options["round"]:
            if start or end:
                raise CommandError("--round: give a round or --from/--to, not both")
            chosen = Round.objects.filter(project__in=projects, name=options["round"]).first()
            if chosen is None:
                raise CommandError(f"--round {options['round']!r}: no such round in these projects")
            start, end = chosen.starts_on, chosen.ends_on
        cohort = Cohort(
            projects,
            admitted_from=admitted_from,
            admitted_to=admitted_to,
            statuses=options["status"],
            period_from=start,
            period_to=end,
            round_name=options["round"],
            consented_only=outside,
        )
        report = compute(cohort, FreeText.NONE if outside else FreeText.ALL)
        if outside:
            report = masked(report, settings.PARCOURS_SMALL_CELL)
        with translation.override(language):
            title = _("Cohort report") + " · " + ", ".join(p.name for p in projects)
            Path(output).write_bytes(produce(report, options["format"], title, language))
        self.stdout.write(
            f"Wrote {output}: {report['n_sheets']} sheets, {report['families']} families."
        )

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from parcours.cases.models import Family
from parcours.casework.models import consents_to_evaluation
from parcours.network.pooling import EvaluationFileError, dump, export_dataset
from parcours.privacy.audit import Actor
from parcours.projects.commandline import author_or_error, project_or_error


class Command(BaseCommand):
    help = (
        "Write a project's pseudonymised evaluation dataset for the network, signed with "
        "PARCOURS_NETWORK_KEY: keyed pseudonyms (PARCOURS_EXPORT_SECRET), months instead of "
        "dates, ages and years in the country in bands, coded answers only, no free text. "
        "Example: parcours export-evaluation --project plan-together -o pt-2026.json"
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True)
        parser.add_argument("--as-user", default="", help="recorded in the audit trail")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, project, as_user, output, **options):
        project_obj = project_or_error(project)
        user = author_or_error(project_obj, as_user)
        try:
            document = export_dataset(Actor(user), project_obj)
        except (EvaluationFileError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from None
        Path(output).write_bytes(dump(document))
        families = document["payload"]["families"]
        sheets = sum(len(f["sheets"]) for f in families)
        left_out = (
            Family.objects.filter(project=project_obj, pooled_from=None)
            .exclude(consents_to_evaluation())
            .count()
        )
        self.stdout.write(
            f"Wrote {output}: {len(families)} families, {sheets} sheets, signed; "
            f"{left_out} without consent to evaluation left out."
        )

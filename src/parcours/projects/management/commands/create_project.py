from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils.text import slugify
from django_countries import countries

from parcours.projects.models import Project
from parcours.projects.services import create_project


class Command(BaseCommand):
    help = (
        "Create a project (site) with the default admission criteria. "
        "Example: parcours create-project --slug plan-together --name 'Plan Together' --country BE"
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="short name used in commands and URLs")
        parser.add_argument("--name", required=True, help="the project's full name")
        parser.add_argument("--country", default="BE", help="ISO 3166 code (default BE)")
        parser.add_argument("--organisation", default="", help="defaults to the project's name")
        parser.add_argument("--prefix", default="", help="case number prefix (default: initials)")
        parser.add_argument(
            "--network",
            action="store_true",
            help="a network project: it holds the evaluation data that member projects export "
            "(import-evaluation), never case files",
        )

    def handle(self, *args, slug, name, country, organisation, prefix, network, **options):
        if slugify(slug) != slug:
            raise CommandError(f"--slug {slug!r}: use lower-case letters, digits and hyphens")
        country = country.upper()
        if country not in dict(countries):
            raise CommandError(f"--country {country!r}: not an ISO 3166 country code")
        if prefix and not (prefix.isalnum() and len(prefix) <= 8):
            raise CommandError(f"--prefix {prefix!r}: up to 8 letters or digits")
        if not name.strip():
            raise CommandError("--name: give the project a name")
        if Project.objects.filter(slug=slug).exists():
            raise CommandError(f"--slug {slug!r}: a project with this slug exists already")
        try:
            project = create_project(
                organisation_name=organisation.strip() or name.strip(),
                slug=slug,
                name=name.strip(),
                country=country,
                prefix=prefix.upper(),
                network=network,
            )
        except IntegrityError as error:
            raise CommandError(f"could not create the project: {error}") from None
        self.stdout.write(
            f"Created project {project.slug} ({project.name}), case numbers "
            f"{project.case_number_prefix}-YYYY-NNN, {project.criteria.count()} criteria."
        )

import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from parcours.demo.families import DEMO_PASSWORD, build


class Command(BaseCommand):
    help = (
        "Create the demo organisation, project 'demo', its team and 25 synthetic families. "
        "Safe to run twice: an existing demo project is left as it is. Refused in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day the story ends, YYYY-MM-DD (default today)",
        )
        parser.add_argument("--no-migrate", action="store_true", help="skip `migrate` first")

    def handle(self, *args, seed, as_of, no_migrate, **options):
        if settings.PRODUCTION:
            raise CommandError("demo data is refused with PARCOURS_ENV=production")
        if not no_migrate:
            call_command("migrate", verbosity=0)
        result = build(seed=seed, as_of=as_of)
        if result.created:
            self.stdout.write(f"Created the demo project with {result.families} families.")
        else:
            self.stdout.write(f"The demo project exists already ({result.families} families).")
        self.stdout.write(f"\nDemo logins (password for each: {DEMO_PASSWORD}):")
        with translation.override("en"):  # the console speaks English, like every command
            for username, role in result.users:
                self.stdout.write(f"  {username:<14} {role.label}")

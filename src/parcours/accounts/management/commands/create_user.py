import getpass
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Role, User
from parcours.accounts.services import create_user
from parcours.projects.commandline import project_or_error


class Command(BaseCommand):
    help = (
        "Create a user with a role in a project. Asks for the password, or prints a generated "
        "one with --generate-password. Example: parcours create-user sara --project demo "
        "--role case_manager"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="generate a strong password and print it once, instead of asking",
        )

    def handle(self, *args, username, project, role, generate_password, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"username {username!r}: this user exists already")
        project_obj = project_or_error(project)
        candidate = User(
            username=username,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
        )
        password = secrets.token_urlsafe(15) if generate_password else self._ask_password(candidate)
        user = create_user(
            username=username,
            password=password,
            project=project_obj,
            role=Role(role),
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
        )
        self.stdout.write(f"Created {user.username}: {Role(role).label} in {project_obj.slug}.")
        if generate_password:
            self.stdout.write(f"Password (shown once): {password}")

    def _ask_password(self, candidate: User) -> str:
        if not self.stdin_is_interactive():
            raise CommandError("no terminal to ask for a password: use --generate-password")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("password: the two entries differ")
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError("password: " + " ".join(error.messages)) from None
        return password

    @staticmethod
    def stdin_is_interactive() -> bool:
        import sys

        return sys.stdin.isatty()

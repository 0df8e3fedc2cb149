from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Membership, Role, User
from parcours.accounts.services import grant_role, revoke_role
from parcours.privacy.audit import Actor
from parcours.projects.commandline import project_or_error


class Command(BaseCommand):
    help = (
        "Give a user a role in a project (replacing the role they had there), or take it "
        "away with --revoke. Audited. This is how an administrator receives a role that sees "
        "families: never from themselves. Example: parcours grant-role marie --project demo "
        "--role coordinator"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--project", required=True, help="project slug")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--revoke", action="store_true", help="take the user's role away")

    def handle(self, *args, username, project, role, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username {username!r}: no such user")
        project_obj = project_or_error(project)
        operator = Actor(None)  # the operator at the console
        if revoke:
            membership = Membership.objects.filter(user=user, project=project_obj).first()
            if membership is None:
                raise CommandError(f"{username} has no role in {project}")
            revoke_role(operator, membership)
            self.stdout.write(f"{username} no longer has a role in {project}.")
            return
        if not role:
            raise CommandError("--role is needed (or --revoke)")
        grant_role(operator, user, project_obj, role)
        self.stdout.write(f"{username} is now {Role(role).label} in {project}.")

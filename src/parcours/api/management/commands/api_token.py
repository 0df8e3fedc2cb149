"""Tokens for other systems, made by the operator: printed once, on the last line."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from parcours.api import tokens
from parcours.api.models import DEFAULT_DAYS, ApiToken, Scope
from parcours.privacy.audit import Actor
from parcours.projects.models import Project


class Command(BaseCommand):
    help = (
        "Make an API token for USERNAME named NAME and print it on the last line (shown once; "
        "without --scope, every scope the user's roles allow), or revoke it with --revoke."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what uses it, e.g. 'legal aid db'")
        parser.add_argument("--scope", action="append", choices=Scope.values, dest="scopes")
        parser.add_argument("--project", help="limit it to one project (its short name)")
        parser.add_argument("--expires-days", type=int, default=DEFAULT_DAYS)
        parser.add_argument("--revoke", action="store_true", help="revoke the token NAME")

    def handle(self, *args, username, name, scopes, project, expires_days, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        actor = Actor(None, page="command:api-token")
        if revoke:
            token = ApiToken.objects.filter(user=user, name=name, revoked_at=None).first()
            if token is None:
                raise CommandError(f"{username} has no token {name!r} in use")
            tokens.revoke(actor, token)
            self.stdout.write(f"Revoked: {username}'s token {name!r}.")
            return
        chosen = None
        if project:
            chosen = Project.objects.filter(slug=project).first()
            if chosen is None:
                raise CommandError(f"no project {project!r}")
        try:
            token, secret = tokens.issue(actor, user, name, scopes, chosen, expires_days)
        except tokens.TokenError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Token {name!r} for {username}: {', '.join(token.scopes)}; "
            f"expires {token.expires_at:%Y-%m-%d}."
        )
        self.stdout.write(secret)
